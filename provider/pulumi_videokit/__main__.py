"""`python -m pulumi_videokit`: the native plugin, as `pulumi package add` runs a Python plugin."""

import sys

from .native import main

sys.exit(main())
