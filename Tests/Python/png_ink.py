"""Counts the drawn pixels of a PNG screenshot, for the HTML report test.

Decodes 8-bit RGB/RGBA non-interlaced PNGs (what headless Chromium writes) with zlib, struct
and numpy only: no Pillow in the venv.

    png_ink.py SHOT.png [--rect NAME X Y W H]... [--color NAME RRGGBB]...

prints one JSON object: the image size, the background colour (the most common pixel), the
fraction of all pixels that differ from it, for each --rect the number of pixels inside it that
differ from the background, and for each --color the number of pixels within a small distance
of that colour (so a chart line of a known stroke colour can be found).
"""

import argparse
import json
import struct
import sys
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOR_TOLERANCE = 60  # summed absolute RGB difference: anti-aliased edges of a 2 px line still count


def read_png(path):
    """The image as an (height, width, 3) uint8 array."""
    with open(path, "rb") as file:
        data = file.read()
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError(f"{path} is not a PNG")
    position, compressed, header = len(PNG_SIGNATURE), [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, color_type, _, _, interlace = header
    if depth != 8 or color_type not in (2, 6) or interlace != 0:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {color_type}, interlace {interlace}")
    channels = 3 if color_type == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(compressed)), dtype=np.uint8)
    stride = width * channels
    rows = raw.reshape(height, stride + 1)
    image = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:]
        if kind == 0:
            current = line.copy()
        elif kind == 1:  # Sub: running sum per channel along the row
            current = np.cumsum(line.reshape(width, channels), axis=0, dtype=np.uint64).astype(np.uint8).reshape(stride)
        elif kind == 2:  # Up
            current = line + previous
        elif kind in (3, 4):
            current = unfilter_sequential(kind, line.tolist(), previous.tolist(), channels)
        else:
            raise ValueError(f"bad filter type {kind} in row {y}")
        image[y] = current
        previous = current
    return image.reshape(height, width, channels)[:, :, :3]


def unfilter_sequential(kind, line, previous, channels):
    """Average (3) and Paeth (4) rows, which depend on the reconstructed left neighbour."""
    out = [0] * len(line)
    for i, value in enumerate(line):
        left = out[i - channels] if i >= channels else 0
        up = previous[i]
        if kind == 3:
            out[i] = (value + ((left + up) >> 1)) & 0xFF
        else:
            up_left = previous[i - channels] if i >= channels else 0
            estimate = left + up - up_left
            distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
            predictor = left if distances[0] <= distances[1] and distances[0] <= distances[2] else (
                up if distances[1] <= distances[2] else up_left)
            out[i] = (value + predictor) & 0xFF
    return np.array(out, dtype=np.uint8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("png")
    parser.add_argument("--rect", nargs=5, action="append", default=[], metavar=("NAME", "X", "Y", "W", "H"))
    parser.add_argument("--color", nargs=2, action="append", default=[], metavar=("NAME", "RRGGBB"))
    arguments = parser.parse_args()

    image = read_png(arguments.png).astype(np.int32)
    height, width, _ = image.shape
    colors, counts = np.unique(image.reshape(-1, 3), axis=0, return_counts=True)
    background = colors[np.argmax(counts)]
    inked = np.abs(image - background).sum(axis=2) > 0

    rects = {}
    for name, *box in arguments.rect:
        x, y, w, h = (int(round(float(value))) for value in box)
        rects[name] = int(inked[max(y, 0):max(y + h, 0), max(x, 0):max(x + w, 0)].sum())
    matches = {}
    for name, hex_color in arguments.color:
        target = np.array([int(hex_color.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)])
        matches[name] = int((np.abs(image - target).sum(axis=2) <= COLOR_TOLERANCE).sum())

    json.dump({
        "width": width,
        "height": height,
        "background": [int(channel) for channel in background],
        "inked_fraction": float(inked.mean()),
        "rects": rects,
        "colors": matches,
    }, sys.stdout)


if __name__ == "__main__":
    main()
