from quizcli.cli import main

main()
