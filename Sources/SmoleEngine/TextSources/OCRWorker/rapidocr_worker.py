# smole's RapidOCR worker: a long-lived process the engine starts (one per engine process) and feeds over its pipes.
#
# It is compiled into the engine (SwiftPM embedInCode) and started as `PYTHON -c SCRIPT` with the python of the
# virtual environment scripts/setup made (see RapidOCRBackend.swift for where that is looked for), so the script and
# the engine always match.
#
# Arguments: --max-side N (the largest image side the recogniser's crops are cut from; larger images are scaled down,
# boxes are given in the original's pixels), --det-side N (the largest side the detector sees: the page is scaled down
# to it for finding the text boxes only; 0: rapidocr's own choice, 1500 or 2000), --cls (run PP-OCR's 180-degree text direction classifier on
# every box; off by default: the engine turns pages upright with tesseract's orientation detection).
# SMOLE_OCR_THREADS=N sets ONNX Runtime's threads (default 1; 0: its own choice).
#
# Protocol, one JSON object per line (UTF-8):
#   first line out: {"ready": true, "version": "1.4.4"} once the models are loaded, or
#                   {"ready": false, "error": "..."} and exit status 69 when rapidocr_onnxruntime cannot be imported.
#   in:  {"path": "/abs/image.png"}
#   out: {"ok": true, "width": W, "height": H, "boxes": [{"box": [[x, y] x4], "text": "...", "score": 0.97}, ...]}
#        {"ok": false, "error": "..."}   (the image cannot be read; the worker goes on)
# Box corners are pixels of the image as given, clockwise from the top left. End of input ends the worker.
import json
import os
import sys


def spaced(text, chars):
    """The recogniser drops the spaces between words ("THREESTOOGES"); its character boxes keep the gaps. Where the
    gap between two characters is wider than 0.55 of the median character, a space goes back in. Only for a text with
    no space and one box per character (otherwise the boxes cannot be matched to the characters). Measured on a real
    receipt scan and a rendered photo: word gaps 0.58 ("QTY ITEM") to 3 characters, gaps inside words up to 0.53
    ("Toothp aste" at 0.5 was split)."""
    if not chars or " " in text or len(chars) != len(text) or len(text) < 3:
        return text
    try:
        spans = [(min(p[0] for p in c), max(p[0] for p in c)) for c in chars]
    except (TypeError, ValueError, IndexError):
        return text
    widths = sorted(b - a for a, b in spans)
    w = widths[len(widths) // 2]
    if w <= 0:
        return text
    out = text[0]
    for i in range(1, len(text)):
        if spans[i][0] - spans[i - 1][1] > 0.55 * w:
            out += " "
        out += text[i]
    return out


# OpenCV's reduced reads: a JPEG is decoded at 1/2, 1/4 or 1/8 of its size directly, other formats are scaled after.
REDUCED = {2: "IMREAD_REDUCED_GRAYSCALE_2", 4: "IMREAD_REDUCED_GRAYSCALE_4", 8: "IMREAD_REDUCED_GRAYSCALE_8"}


def load(path, max_side, cv2):
    """The image as the recogniser needs it, and its original width, height and the factor its pixels were reduced by.

    Grey (the engine hands over the grey page it cleaned up; PP-OCR reads grey as well as colour), and a page far
    larger than `max_side` (a 5000 x 7000 scan) decoded at a half, quarter or eighth of its size, no smaller than
    `max_side`: the full-size colour copy of such a scan was 100 MB, and with RapidOCR's own copies it took the worker
    past 550 MB (README, "OCR backends")."""
    try:
        from PIL import Image
        with Image.open(path) as im:
            w, h = im.size
    except Exception:
        w = h = 0
    factor = 1
    while factor < 8 and max(w, h) // (factor * 2) >= max_side:
        factor *= 2
    img = cv2.imread(path, getattr(cv2, REDUCED[factor]) if factor > 1 else cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise ValueError("not an image OpenCV can read")
    if factor == 1:
        h, w = img.shape[:2]
    else:
        factor = w / img.shape[1]
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), w, h, factor


def trimmer():
    """glibc's malloc_trim(0), which hands the heap's free pages back to the system, or a no-op where there is none."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        return lambda: libc.malloc_trim(0)
    except Exception:
        return lambda: None


trim = trimmer()


def main():
    out = sys.stdout
    args = sys.argv[1:]
    max_side = int(args[args.index("--max-side") + 1]) if "--max-side" in args else 2000
    det_side = int(args[args.index("--det-side") + 1]) if "--det-side" in args else 0
    use_cls = "--cls" in args
    # One ONNX Runtime thread by default: the engine runs one document per core already, and on a busy machine more
    # threads cost more CPU for no gain in time (measured on 5 receipt scans: 1 thread 2.4 CPU s an image, 2 threads
    # 2.8 without spinning and 4.1 with ONNX Runtime's default spinning).
    threads = int(os.environ.get("SMOLE_OCR_THREADS", "1") or "1")
    try:
        import rapidocr_onnxruntime
        from rapidocr_onnxruntime import RapidOCR
        from rapidocr_onnxruntime.utils import infer_engine
        options = infer_engine.OrtInferSession._init_sess_opts

        def no_spinning(config):
            o = options(config)
            o.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return o

        infer_engine.OrtInferSession._init_sess_opts = staticmethod(no_spinning)
        kwargs = {"max_side_len": max_side, "use_cls": use_cls}
        if threads > 0:
            kwargs.update({"intra_op_num_threads": threads, "inter_op_num_threads": 1})
        engine = RapidOCR(**kwargs)
        if det_side > 0:
            # rapidocr 1.4.4 picks the detector's side itself (960, 1500 or 2000 by the page's size) unless its limit
            # type is "min"; this sets the largest side the detector sees. Measured on a receipt scan: 497 -> 340 MB
            # peak and 3.3 -> 2.4 CPU s at 960, with the same boxes found.
            from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess
            det = engine.text_det
            det.get_preprocess = lambda longest: DetPreProcess(det_side, "max", det.mean, det.std)
    except Exception as e:  # missing package, broken install: said once, the engine reports engine_unavailable
        out.write(json.dumps({"ready": False, "error": "%s: %s" % (type(e).__name__, e)}) + "\n")
        out.flush()
        sys.exit(69)
    try:
        from importlib.metadata import version
        ver = version("rapidocr_onnxruntime")
    except Exception:
        ver = getattr(rapidocr_onnxruntime, "__version__", "unknown")
    out.write(json.dumps({"ready": True, "version": ver}) + "\n")
    out.flush()
    import cv2
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            path = json.loads(line)["path"]
            img, w, h, factor = load(path, max_side, cv2)
            result, _ = engine(img, return_word_box=True)
            boxes = []
            for item in result or []:
                box, text, score = item[0], item[1], item[2]
                boxes.append({"box": [[round(float(x) * factor, 1), round(float(y) * factor, 1)] for x, y in box],
                              "text": spaced(text, item[3] if len(item) > 3 else None), "score": round(float(score), 4)})
            reply = {"ok": True, "width": w, "height": h, "boxes": boxes}
            del img, result  # the page's arrays go before the next request, not after it
            trim()
        except Exception as e:
            reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        out.write(json.dumps(reply, ensure_ascii=False) + "\n")
        out.flush()


main()
