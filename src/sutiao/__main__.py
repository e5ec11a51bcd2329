import sys

from sutiao.cli import main

sys.exit(main())
