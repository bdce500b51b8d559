"""`python -m relationship_crm`: the same as the `relationship-crm` command."""

import sys

from relationship_crm.cli import main

sys.exit(main())
