from mamakg.cli import main

main()
