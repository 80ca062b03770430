"""Regions and departments of the INSEE COG (codes kept as strings: "01", "2A", "971").

Calls from 2014-2015 used the regions as they were before the 2016 reform, so
each department also points at its former region.
"""

from django.db import models


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    is_current = models.BooleanField(
        "région actuelle", default=True, help_text="Faux pour les régions d'avant la réforme de 2016."
    )

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name="région"
    )
    former_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="former_departments",
        null=True,
        blank=True,
        verbose_name="région avant 2016",
    )

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
