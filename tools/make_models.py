#!/usr/bin/env python3
"""Create the small test/default models under models/ (the code lives in tools/modelgen/, one module per job).

    /usr/bin/python3 tools/make_models.py                      # writes models/
    /usr/bin/python3 tools/make_models.py --gpt2-sized DIR     # one random gpt2-sized decoder into DIR
    /usr/bin/python3 tools/make_models.py --sized DIR          # gpt2, distilgpt2, gpt2-medium, bert-base sized
    /usr/bin/python3 tools/make_models.py --help               # requirements and options
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from modelgen.main import main  # noqa: E402  (after the path is set)

if __name__ == "__main__":
    main()
