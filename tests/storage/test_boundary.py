"""Only `twf.storage` touches staged and published data: no other module reads or writes files through
`open`, `os`, `shutil` or `pathlib`, but for the few whose files are something else (listed with why)."""

from __future__ import annotations

import ast
from pathlib import Path

import twf

SOURCE = Path(twf.__file__).parent

# Module (or package, ending in "/") → what its own files are.
OWN_FILES = {
    "storage/": "the storage interface itself",
    "atomic.py": "crash-safe file primitives (of LocalStore, the demo mirror and exported files)",
    "scratch.py": "the builder's and fetcher's scratch folders",
    "builder/pipeline.py": "a frame written into its scratch folder before the store places it",
    "builder/decode.py": "the GRIB2 files a frame is built from",
    "builder/cli.py": "`twf build-frame --out`: a folder the user names",
    "fetch/": "downloads, the download cache and mirror sources",
    "synthetic/": "synthetic GRIB2 and its inventories",
    "demo/": "the demo mirror",
    "export/encode.py": "a temporary video file",
    "export/boundaries.py": "the bundled boundaries",
    "api/static.py": "the built web viewer",
    "api/app.py": "the built web viewer",
    "api/regions.py": "the bundled regions",
    "scheduling/worker.py": "a build task's GRIB folder and /proc",
}
PATH_METHODS = {"read_bytes", "read_text", "write_bytes", "write_text", "open", "glob", "rglob", "iterdir",
                "unlink", "mkdir", "rmdir", "touch", "is_file", "is_dir", "exists", "stat", "samefile"}
OS_FUNCTIONS = {"open", "stat", "listdir", "scandir", "remove", "unlink", "replace", "rename", "makedirs",
                "mkdir", "rmdir", "link", "fsync", "walk", "fdopen"}
NOT_FILES = {"rasterio", "io"}  # `rasterio.open` reads through the store's `gdal_path`/`open_raster`


def filesystem_calls(source: str) -> list[str]:
    calls = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        if isinstance(fn, ast.Name) and fn.id == "open":
            calls.append(f"line {node.lineno}: open()")
        elif isinstance(fn, ast.Attribute):
            owner = fn.value
            name = owner.id if isinstance(owner, ast.Name) else ""
            os_path = isinstance(owner, ast.Attribute) and owner.attr == "path" \
                and isinstance(owner.value, ast.Name) and owner.value.id == "os"
            if name == "shutil" or (name == "os" and fn.attr in OS_FUNCTIONS) or os_path \
                    or (fn.attr in PATH_METHODS and name not in NOT_FILES | {"os"}):
                calls.append(f"line {node.lineno}: .{fn.attr}()")
    return calls


def test_no_module_outside_storage_touches_files_but_those_whose_files_are_not_published_data() -> None:
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        module = path.relative_to(SOURCE).as_posix()
        if any(module == own or (own.endswith("/") and module.startswith(own)) for own in OWN_FILES):
            continue
        calls = filesystem_calls(path.read_text())
        if calls:
            found[module] = calls
    assert found == {}, "published data must go through twf.storage"


def test_the_boundary_check_finds_a_straggler() -> None:
    straggler = "def read(root):\n    return (root / 'LATEST.json').read_bytes()\n"
    assert filesystem_calls(straggler) == ["line 2: .read_bytes()"]
