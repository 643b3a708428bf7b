"""Streaming Generate through Python grpcio against a real QuantServe server.

Usage: interop_generate.py --port PORT --model NAME [--max-tokens N] [--content TEXT]

Sends a chat (one user turn, TEXT) to model NAME greedily and prints one JSON line: the text of every chunk, the
token count, the finish reason's name, the usage, the versions named by the chunks, and the
status of a Generate without messages or prompt.
"""
import argparse
import json

import grpc

from interop_stubs import generate_stubs

generate_stubs()
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--max-tokens", type=int, default=100)
    parser.add_argument("--content", default="Where is my parcel?")
    arguments = parser.parse_args()
    with grpc.insecure_channel(f"127.0.0.1:{arguments.port}") as channel:
        stub = rpc.InferenceStub(channel)
        request = pb.GenerateRequest(model=pb.ModelRef(name=arguments.model),
                                     messages=[pb.ChatMessage(role="user", content=arguments.content)],
                                     max_tokens=arguments.max_tokens)
        chunks = list(stub.Generate(request, timeout=30))
        last = chunks[-1]
        try:
            list(stub.Generate(pb.GenerateRequest(model=pb.ModelRef(name=arguments.model)), timeout=30))
            empty_status = "OK"
        except grpc.RpcError as error:
            empty_status = error.code().name
        print(json.dumps({
            "texts": [chunk.text for chunk in chunks],
            "tokens": sum(len(chunk.token_ids) for chunk in chunks),
            "finish_reason": pb.FinishReason.Name(last.finish_reason),
            "unset_before_last": all(chunk.finish_reason == pb.FINISH_REASON_UNSPECIFIED and not chunk.HasField("usage")
                                     for chunk in chunks[:-1]),
            "prompt_tokens": last.usage.prompt_tokens,
            "generated_tokens": last.usage.generated_tokens,
            "ttft": last.usage.time_to_first_token_seconds,
            "versions": sorted({chunk.model.version for chunk in chunks}),
            "empty_status": empty_status,
        }))


if __name__ == "__main__":
    main()
