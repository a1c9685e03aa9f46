#!/usr/bin/env python3
"""Copy the front-end assets installed by `npm ci` into `renda/static/vendor/`.

Run from the repository root after `npm ci --no-audit --no-fund`. Only the files the pages and
the PDF templates use are copied; the package licences travel with them. Stdlib only, so it runs
before the virtualenv has anything in it.

    renda/static/vendor/htmx.min.js
    renda/static/vendor/echarts.min.js                (with zrender and parts of d3 bundled)
    renda/static/vendor/noto-sans-sc/{chinese-simplified,latin}-{400,700}.css
    renda/static/vendor/noto-sans-sc/index.css       (the four above in one file)
    renda/static/vendor/noto-sans-sc/files/*.woff2, *.woff
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "renda" / "static" / "vendor"
FONT_PACKAGE = NODE_MODULES / "@fontsource" / "noto-sans-sc"
FONT_SUBSETS = ("chinese-simplified", "latin")
FONT_WEIGHTS = (400, 700)


def copy(src: Path, dest: Path) -> None:
    if not src.is_file():
        sys.exit(f"build_assets: missing {src.relative_to(ROOT)}; run `npm ci` first")
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)


def build_htmx() -> list[Path]:
    package = NODE_MODULES / "htmx.org"
    copy(package / "dist" / "htmx.min.js", VENDOR / "htmx.min.js")
    copy(package / "LICENSE", VENDOR / "htmx.LICENSE")
    return [VENDOR / "htmx.min.js"]


def build_echarts() -> list[Path]:
    package = NODE_MODULES / "echarts"
    copy(package / "dist" / "echarts.min.js", VENDOR / "echarts.min.js")
    # Apache-2.0 asks for the NOTICE too; the bundle also carries zrender (BSD-3-Clause) and
    # code adapted from d3 (BSD-3-Clause), whose licences travel with it.
    copy(package / "LICENSE", VENDOR / "echarts.LICENSE")
    copy(package / "NOTICE", VENDOR / "echarts.NOTICE")
    copy(package / "licenses" / "LICENSE-d3", VENDOR / "echarts.LICENSE-d3")
    copy(NODE_MODULES / "zrender" / "LICENSE", VENDOR / "zrender.LICENSE")
    return [VENDOR / "echarts.min.js"]


def font_stylesheets() -> list[str]:
    return [f"{subset}-{weight}.css" for subset in FONT_SUBSETS for weight in FONT_WEIGHTS]


def font_files() -> list[str]:
    return [
        f"noto-sans-sc-{subset}-{weight}-normal.{ext}"
        for subset in FONT_SUBSETS
        for weight in FONT_WEIGHTS
        for ext in ("woff2", "woff")
    ]


def build_fonts() -> list[Path]:
    dest = VENDOR / "noto-sans-sc"
    for name in font_files():
        copy(FONT_PACKAGE / "files" / name, dest / "files" / name)
    css = []
    for name in font_stylesheets():
        copy(FONT_PACKAGE / name, dest / name)
        css.append((FONT_PACKAGE / name).read_text(encoding="utf-8").strip())
    # The package's stylesheets point at ./files/, which the layout above keeps valid.
    (dest / "index.css").write_text("\n\n".join(css) + "\n", encoding="utf-8")
    copy(FONT_PACKAGE / "LICENSE", dest / "LICENSE")
    return [dest / "index.css"]


def main() -> None:
    if not NODE_MODULES.is_dir():
        sys.exit("build_assets: node_modules/ not found; run `npm ci --no-audit --no-fund` first")
    if VENDOR.exists():
        shutil.rmtree(VENDOR)  # a fresh copy, so that files dropped upstream do not linger
    built = build_htmx() + build_echarts() + build_fonts()
    for path in built:
        print(f"build_assets: wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
