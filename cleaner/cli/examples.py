"""The usage examples `cleaner --help` and `cleaner clean --help` print."""

EXAMPLES = """\
examples:
  cleaner clean page.txt                       clean one file to stdout
  cleaner clean page.txt -o page.clean.txt     clean one file to a file
  cat page.txt | cleaner clean -               clean stdin to stdout
  cleaner clean scraped/ -o clean/             clean a folder of .txt into a mirrored folder
  cleaner explain page.txt                     every line: kept or removed, by which rule, why
  cleaner clean page.txt --rules mysite.toml   add your own rule pack
  cleaner rules test mysite.toml               run a pack's examples and counterexamples
"""
