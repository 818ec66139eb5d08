#!/bin/sh
# Run the three scorers of ../shared/eval against the project's cleaner: `make bench-clean`.
# Language detection is skipped (lang "xx"): the scorers measure cleaning, not language.
# L3S-GN1 counts the headline as content, so its adapter prints the title the cleaner found above the body.
set -e
here=$(cd "$(dirname "$0")" && pwd)
project=$(dirname "$here")
eval_dir="$project/../shared/eval"
python=${PYTHON:-$project/.venv/bin/python}
cd "$eval_dir"
echo "== plain text (evaluate_plaintext.py)"
PYTHONPATH="$project:$here" "$python" evaluate_plaintext.py clean_adapter:text_body
echo "== L3S-GN1 lines (cleaneval/evaluate_gn1_lines.py)"
PYTHONPATH="$project:$here" "$python" cleaneval/evaluate_gn1_lines.py clean_adapter:text_with_headline
echo "== HTML snippets (evaluate_holdout.py)"
PYTHONPATH="$project:$here" "$python" evaluate_holdout.py clean_adapter:html_body
