"""``python -m crm_warehouse <subcommand>``: the same command line as ``crmwh``."""

import sys

from crm_warehouse.cli import main

if __name__ == "__main__":
    sys.exit(main())
