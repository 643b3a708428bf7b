#!/usr/bin/env python3
"""Makes the committed KServe schemas (deploy/kserve-crds/*.schema.json) from KServe's published
CRDs (kserve/kserve config/crd/full/serving.kserve.io_{inferenceservices,servingruntimes}.yaml):

    python3 deploy/kserve-crds/trim.py KSERVE_CHECKOUT/config/crd/full deploy/kserve-crds

Each file is the `openAPIV3Schema` of the CRD's storage version, with these changes, all for size
or strictness and none loosening a check:
- every `description` is dropped (documentation, about two thirds of the bytes);
- objects that list `properties` (and preserve no unknown fields) get `additionalProperties:
  false`, as the API server's strict field validation rejects unknown fields (a typo such as
  `protocolVersions` fails instead of being pruned silently);
- InferenceService: the fields below are replaced by `false` (any value is refused) since the
  whole predictor schema, repeated for each of them, is most of the file and QuantServe's
  manifests use none of them: `spec.canary`, `spec.explainer`, `spec.transformer`,
  `spec.predictor.workerSpec` and the per-framework predictors (`sklearn`, `onnx`, `triton`, ...):
  QuantServe uses the generic `spec.predictor.model` with a `modelFormat`. `status` is dropped the
  same way (the controller writes it, never a manifest).
"""
import json
import sys
from pathlib import Path

import yaml

CRDS = {"inferenceservices": "InferenceService", "servingruntimes": "ServingRuntime"}
TRIMMED_SPEC_FIELDS = ("canary", "explainer", "transformer")
FRAMEWORK_PREDICTORS = ("huggingface", "lightgbm", "onnx", "paddle", "pmml", "pytorch", "sklearn", "tensorflow",
                        "triton", "xgboost", "workerSpec")


def strict(schema):
    """`schema` without descriptions, objects with listed properties closed to others."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: strict(value) for key, value in schema.items() if key != "description"}
    if ("properties" in out and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def trim(name, crd):
    version = next(version for version in crd["spec"]["versions"] if version.get("storage"))
    schema = strict(version["schema"]["openAPIV3Schema"])
    if name == "inferenceservices":
        spec = schema["properties"]["spec"]["properties"]
        for field in TRIMMED_SPEC_FIELDS:
            spec[field] = False
        for field in FRAMEWORK_PREDICTORS:
            spec["predictor"]["properties"][field] = False
    schema["properties"].pop("status", None)
    return {"$comment": f"openAPIV3Schema of KServe's {CRDS[name]} CRD ({crd['spec']['group']}/{version['name']}), "
                        "trimmed by deploy/kserve-crds/trim.py (see its docstring)",
            "apiVersion": f"{crd['spec']['group']}/{version['name']}", "kind": CRDS[name], "schema": schema}


def main(source, destination):
    for name in CRDS:
        crd = yaml.safe_load((Path(source) / f"serving.kserve.io_{name}.yaml").read_text())
        out = Path(destination) / f"{name}.schema.json"
        out.write_text(json.dumps(trim(name, crd), indent=1, sort_keys=True) + "\n")
        print(f"{out}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:3])
