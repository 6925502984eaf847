"""Diemen's wijken and buurten with CBS-style codes (GM0384).

Editable data: municipal staff correct or extend it in the admin when CBS publishes a new
Wijk- en Buurtkaart; this migration only loads the starting list.
"""

from django.db import migrations

WIJKEN = {
    ("WK038400", "Diemen-Noord"): [
        ("BU03840000", "Diemen-Noord West"),
        ("BU03840001", "Diemen-Noord Oost"),
        ("BU03840002", "Bergwijkpark"),
    ],
    ("WK038401", "Centrum"): [
        ("BU03840100", "Oud-Diemen"),
        ("BU03840101", "Centrum"),
        ("BU03840102", "Ouddiemerlaan"),
    ],
    ("WK038402", "Diemen-Zuid"): [
        ("BU03840200", "Diemen-Zuid West"),
        ("BU03840201", "Diemen-Zuid Oost"),
        ("BU03840202", "Holland Park"),
    ],
    ("WK038403", "Plantage de Sniep en Diemerpark"): [
        ("BU03840300", "Plantage de Sniep"),
        ("BU03840301", "Diemerpark en Diemerscheg"),
    ],
}


def load(apps, schema_editor):
    Neighbourhood = apps.get_model("samenspel", "Neighbourhood")
    for (wijk_code, wijk_name), buurten in WIJKEN.items():
        wijk, _ = Neighbourhood.objects.get_or_create(
            code=wijk_code, defaults={"name": wijk_name, "level": "wijk"}
        )
        for code, name in buurten:
            Neighbourhood.objects.get_or_create(
                code=code, defaults={"name": name, "level": "buurt", "parent": wijk}
            )


def unload(apps, schema_editor):
    Neighbourhood = apps.get_model("samenspel", "Neighbourhood")
    codes = [code for buurten in WIJKEN.values() for code, _ in buurten]
    Neighbourhood.objects.filter(code__in=codes).delete()
    Neighbourhood.objects.filter(code__in=[code for code, _ in WIJKEN]).delete()


class Migration(migrations.Migration):
    dependencies = [("samenspel", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
