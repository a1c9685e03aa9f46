from django.test import SimpleTestCase
from django.utils import translation

from renda.core.masking import mask_id_number, mask_name, mask_phone
from renda.core.numerals import chinese_number, ordinal_en, term_number


class MaskingTest(SimpleTestCase):
    def test_phone(self):
        self.assertEqual(mask_phone("13812341234"), "138****1234")
        self.assertEqual(mask_phone("138 1234 1234"), "138****1234")
        self.assertEqual(mask_phone(""), "")

    def test_id_number_keeps_first_two_and_last_three(self):
        self.assertEqual(mask_id_number("350102198001011234"), "35*************234")

    def test_name(self):
        self.assertEqual(mask_name("王建国"), "王**")
        self.assertEqual(mask_name("欧阳小明"), "欧阳**")


class NumeralTest(SimpleTestCase):
    def test_term_numbers(self):
        cases = {1: "一", 10: "十", 16: "十六", 17: "十七", 20: "二十", 35: "三十五"}
        for value, text in cases.items():
            self.assertEqual(chinese_number(value), text)

    def test_english_ordinals(self):
        cases = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th",
                 17: "17th", 21: "21st", 22: "22nd", 23: "23rd", 101: "101st", 111: "111th"}
        for value, text in cases.items():
            self.assertEqual(ordinal_en(value), text)

    def test_term_numbers_follow_the_language(self):
        with translation.override("zh-hans"):
            self.assertEqual(term_number(17), "十七")
        with translation.override("en"):
            self.assertEqual(term_number(17), "17th")
        with translation.override(None):  # migrations and management commands: the msgids
            self.assertEqual(term_number(17), "十七")
