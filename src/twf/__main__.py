from twf.cli import main

raise SystemExit(main())
