import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from renda.core.uploads import check_image
from renda.directory.testing import build_world


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


class CheckImageTest(TestCase):
    def test_a_png_passes(self):
        check_image(SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"))

    def test_a_script_named_like_a_picture_is_refused(self):
        upload = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>",
                                    content_type="image/jpeg")
        with self.assertRaisesMessage(ValidationError, "JPEG"):
            check_image(upload)

    def test_a_large_picture_is_refused(self):
        upload = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
        with self.assertRaisesMessage(ValidationError, "不能超过"):
            check_image(upload, max_bytes=10)

    def test_a_deputy_photo_is_checked_on_save_through_forms(self):
        deputy = build_world().deputies["wang"]
        deputy.photo = SimpleUploadedFile("x.jpg", b"not an image at all",
                                          content_type="image/jpeg")
        with self.assertRaises(ValidationError) as caught:
            deputy.full_clean()
        self.assertIn("photo", caught.exception.message_dict)
