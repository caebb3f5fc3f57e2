"""Say, before the suite starts, whether the browser tests can run here.

Run by ``make test``. Without Chromium the browser tests are skipped locally
with one line saying how to install it; under CI (``CI=true``) that is a failure.
"""

import os
import shutil
import sys

CHROMIUM_NAMES = ("chromium", "chromium-browser")
INSTALL_HINT = "sudo apt-get install chromium"


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.path.exists(configured) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def main() -> int:
    if find_chromium():
        return 0
    if os.environ.get("CI") == "true":
        print(f"Chromium is missing, and CI needs the browser tests: {INSTALL_HINT}")
        return 1
    print(f"Chromium not found: browser tests will be skipped (install it with `{INSTALL_HINT}`).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
