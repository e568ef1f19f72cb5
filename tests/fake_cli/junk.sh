#!/bin/sh
# A CLI that writes binary junk over the home page.
case "$*" in
  *"Step write content"*) printf '\177ELF\001\002\000\000\377\376junk' > index.html ;;
esac
exit 0
