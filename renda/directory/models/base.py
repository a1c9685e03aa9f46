"""The tree base of areas, handling units and stations: a materialised path kept on save."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from renda.core.models import TimeStampedModel

PATH_STEP = 6  # digits per tree level in `path`


class TreeModel(TimeStampedModel):
    """Abstract tree with a materialised path, kept up to date on save."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), editable=False, default=0)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        super().save(*args, **kwargs)
        prefix = self.parent.path if self.parent_id else ""
        new_path = f"{prefix}{self.pk:0{PATH_STEP}d}/"
        if new_path != old_path:
            self.path, self.depth = new_path, new_path.count("/") - 1
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                self._repath_descendants(old_path)

    def clean(self) -> None:
        super().clean()
        if self.pk and self.parent_id and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("上级不能是自己或自己的下级")})

    def _repath_descendants(self, old_path: str) -> None:
        for node in type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk):
            node.path = self.path + node.path[len(old_path) :]
            node.depth = node.path.count("/") - 1
            type(self).objects.filter(pk=node.pk).update(path=node.path, depth=node.depth)

    def descendants(self, *, include_self: bool = True) -> models.QuerySet:
        qs = type(self).objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestors(self, *, include_self: bool = True) -> models.QuerySet:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        if not include_self:
            ids = ids[:-1]
        return type(self).objects.filter(pk__in=ids).order_by("depth")
