#!/bin/sh
# Test double of a coding CLI in print mode (`claude -p "<instruction>"`): edits
# the workspace the way the real one would for each step, prints a short answer.
step="$*"
case "$step" in
  *"Step analyse"*)
    test -f .spawn/request.json || { echo "no request" >&2; exit 4; }
    echo "Plan: keep the four pages, write for the client, use its colours." > .spawn/plan.md ;;
  *"Step write content"*)
    name=$(sed -n 's/.*"name": "\([^"]*\)".*/\1/p' .spawn/request.json | head -n 1)
    for f in *.html; do
      sed -i "s|</main>|<p class=\"cli-note\">Written for ${name:-the client} by the CLI.</p></main>|" "$f"
    done ;;
  *"Step adapt design"*)
    for f in *.css; do printf '\n/* adapted by the CLI */\n.cli-note { font-style: italic; }\n' >> "$f"; done ;;
  *"Step validate"*)
    entry=$(sed -n 's/.*"entry": "\([^"]*\)".*/\1/p' .spawn/request.json | head -n 1)
    test -f "${entry:-index.html}" || { echo "missing $entry" >&2; exit 3; } ;;
esac
echo "done: $(echo "$step" | cut -c 1-40)"
