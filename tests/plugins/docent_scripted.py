"""A plugin (``DOCENT_PLUGINS=tests.plugins.docent_scripted``) registering a scripted, slow
writer, so a `docent worker` process in a test writes through the real pipeline at a pace a
test can interrupt."""

from __future__ import annotations

import json
import os
import time

from docent.llm import ChatModel, Completion, register_provider


class SlowScripted(ChatModel):
    """Writes a paragraph about ALCE; as a judge (JSON schema) it says "supported"."""

    name = "scripted-slow"

    def _complete(self, messages, *, json_schema=None, **options):
        time.sleep(float(os.environ.get("DOCENT_TEST_MODEL_DELAY", "1.0")))
        if json_schema is not None:
            text = json.dumps({"verdict": "supported"})
        else:
            text = ("ALCE is a benchmark for generating text with citations. Large language "
                    "models are asked to cite retrieved passages for every statement. Citation "
                    "recall checks whether each statement is fully supported by its citations.")
        return Completion(text=text, model=self.name, completion_tokens=40, seconds=0.01)


register_provider("scripted-slow", lambda settings, role: SlowScripted())
