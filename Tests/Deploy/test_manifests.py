"""No cluster runs here, so the manifests are checked against schemas: Kubernetes objects with the
PyPI `kubernetes-validate` package (strict: unknown fields are errors) against a current
Kubernetes version, KServe's ServingRuntime and InferenceService against KServe's published CRD
schemas committed in deploy/kserve-crds/ (trimmed, closed to unknown fields: see trim.py). Then
what no schema sees: the KServe objects, the Deployment and the server's flags agree with each
other. Each validator is shown to refuse a broken copy, so a pass means something.
"""
import copy
import json
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
KUBERNETES = REPO / "deploy" / "kubernetes"
KSERVE_SCHEMAS = REPO / "deploy" / "kserve-crds"
KUBERNETES_VERSION = "1.37"  # the newest kubernetes-validate knows (scripts/requirements.txt pins it)


def documents(path):
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def kubernetes_objects():
    return [(path.relative_to(REPO), document) for path in sorted(KUBERNETES.glob("*.yaml")) for document in documents(path)]


def kserve_object(kind):
    name = {"ServingRuntime": "servingruntime.yaml", "InferenceService": "inferenceservice.yaml"}[kind]
    [document] = documents(KUBERNETES / "kserve" / name)
    return document


def kserve_validator(kind):
    schema = json.loads((KSERVE_SCHEMAS / f"{kind.lower()}s.schema.json").read_text())
    assert schema["kind"] == kind
    return jsonschema.Draft7Validator(schema["schema"]), schema["apiVersion"]


def kserve_errors(document):
    validator, api_version = kserve_validator(document["kind"])
    errors = [f"{'.'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]
    if document["apiVersion"] != api_version:
        errors.append(f"apiVersion {document['apiVersion']}, the schema is {api_version}")
    return errors


@pytest.mark.parametrize("path,document", kubernetes_objects(), ids=lambda value: str(value) if isinstance(value, Path) else value["kind"])
def test_kubernetes_objects_are_valid(path, document):
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_kubernetes_set_is_complete():
    kinds = {document["kind"] for _, document in kubernetes_objects()}
    assert {"Deployment", "Service", "HorizontalPodAutoscaler"} <= kinds


def test_kubernetes_validate_refuses_an_unknown_field_and_a_wrong_type():
    [deployment] = [document for _, document in kubernetes_objects() if document["kind"] == "Deployment"]
    misspelt = copy.deepcopy(deployment)
    container = misspelt["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSION, strict=True)
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["grpc"]["port"] = "grpc"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("kind", ["ServingRuntime", "InferenceService"])
def test_kserve_objects_match_kserves_crd_schema(kind):
    assert kserve_errors(kserve_object(kind)) == []


def test_the_kserve_schemas_refuse_unknown_fields_and_wrong_types():
    service = kserve_object("InferenceService")
    misspelt = copy.deepcopy(service)
    misspelt["spec"]["predictor"]["model"]["protocolVersions"] = ["v2"]
    assert any("protocolVersions" in error for error in kserve_errors(misspelt))
    wrong_type = copy.deepcopy(service)
    wrong_type["spec"]["predictor"]["minReplicas"] = "two"
    assert any("minReplicas" in error for error in kserve_errors(wrong_type))
    runtime = copy.deepcopy(kserve_object("ServingRuntime"))
    del runtime["spec"]["containers"][0]["name"]
    assert kserve_errors(runtime), "a container without a name passed"


def test_the_inference_service_runs_on_the_runtime_over_grpc_v2():
    runtime, service = kserve_object("ServingRuntime"), kserve_object("InferenceService")
    model = service["spec"]["predictor"]["model"]
    assert model["runtime"] == runtime["metadata"]["name"]
    assert model["modelFormat"]["name"] in {format["name"] for format in runtime["spec"]["supportedModelFormats"]}
    assert model["protocolVersion"] == "v2" and "v2" in runtime["spec"]["protocolVersions"]
    [container] = runtime["spec"]["containers"]
    [port] = container["ports"]
    assert port["name"] == "h2c" and model["ports"] == [port], "KServe routes gRPC to the port named h2c"
    assert f"--port={port['containerPort']}" in container["args"]
    assert container["readinessProbe"]["grpc"]["port"] == port["containerPort"]
    assert "--model-repository=/mnt/models" in container["args"], "KServe's storage initializer writes /mnt/models"


def test_the_deployment_probes_the_served_port_and_mounts_what_its_flags_name():
    [deployment] = [document for _, document in kubernetes_objects() if document["kind"] == "Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    flags = dict(argument[2:].split("=", 1) for argument in container["args"] if argument.startswith("--"))
    port = int(flags["port"])
    assert container["ports"][0]["containerPort"] == port
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["grpc"]["port"] == port, probe
    assert container["readinessProbe"]["grpc"]["service"] == flags["default-model"]
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    assert mounts[flags["model-repository"]] == "models"
    token_folder, token_file = flags["admin-token-file"].rsplit("/", 1)
    secret = volumes[mounts[token_folder]]["secret"]
    assert token_file in {item["path"] for item in secret["items"]}
    grace = int(flags["grace-period"]) + container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] > grace, "SIGKILL would cut the drain short"
    services = [document for _, document in kubernetes_objects() if document["kind"] == "Service"]
    assert services and all(service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"] for service in services)
