"""Renders chat templates with jinja2 exactly as Hugging Face transformers' apply_chat_template
configures it (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, raise_exception), the
oracle of the Swift Jinja subset.

  chat_template_oracle.py render CASES.json     prints a JSON list: per case {"text": ...} or {"error": ...}
  chat_template_oracle.py gguf-template PATH    prints tokenizer.chat_template of a GGUF file

CASES.json: a list of {"template", "messages", "add_generation_prompt", "bos_token", "eos_token"}.
"""
import json
import sys

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise TemplateError(message)


def render(path):
    with open(path, encoding="utf-8") as handle:
        cases = json.load(handle)
    environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    environment.globals["raise_exception"] = raise_exception
    results = []
    for case in cases:
        try:
            template = environment.from_string(case["template"])
            text = template.render(messages=case["messages"], add_generation_prompt=case["add_generation_prompt"],
                                   bos_token=case["bos_token"], eos_token=case["eos_token"])
            results.append({"text": text})
        except TemplateError as error:
            results.append({"error": str(error)})
    json.dump(results, sys.stdout, ensure_ascii=False)


def gguf_template(path):
    from gguf import GGUFReader
    sys.stdout.write(GGUFReader(path).fields["tokenizer.chat_template"].contents())


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "render":
        render(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "gguf-template":
        gguf_template(sys.argv[2])
    else:
        sys.exit(__doc__)
