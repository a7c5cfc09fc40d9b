from legacy_lens.cli import main

main()
