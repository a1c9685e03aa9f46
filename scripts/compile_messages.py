"""Compile the gettext catalogs (.po → .mo) without GNU gettext, which a fresh machine may lack."""

import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    catalogs = sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")) + sorted(
        ROOT.glob("renda/*/locale/*/LC_MESSAGES/*.po")
    )
    for po_path in catalogs:
        catalog = polib.pofile(str(po_path))
        catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(ROOT)} ({catalog.percent_translated()}% translated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
