"""Token counts of vision encoders for many image sizes, from the processors' own code.

Run once with transformers installed (5.24.0 made the committed fixture):
    python tests/reference/grounding_reference.py > crates/grounding/tests/fixtures/vision_tokens_reference.json

The functions called are the library's, not re-derivations:
- Qwen2-VL: transformers.models.qwen2_vl.image_processing_pil_qwen2_vl.smart_resize
  (patch 14, merge 2, so factor 28), at the model's preprocessor_config defaults
  (min_pixels 3136, max_pixels 12845056) and at the model card's 256·28²–1280·28².
- LLaVA-NeXT: LlavaNextProcessor._get_number_of_features with the default grid pinpoints,
  patch 14 on 336-px tiles (576 base tokens, the class token dropped by the default strategy).
- InternVL: transformers.models.got_ocr2.image_processing_pil_got_ocr2.get_optimal_tiled_canvas
  (what InternVL's processor uses), 448-px tiles of 256 tokens, a thumbnail when there is more than
  one tile; max 12 and 6 tiles.
- CLIP ViT-L/14: transformers.image_transforms.get_resize_output_image_size (shortest edge to S,
  then the centre S×S crop), for the share of the image the crop drops.
"""

import json
import random
import sys
import types

import numpy as np
import transformers
from transformers.image_transforms import get_resize_output_image_size
from transformers.models.got_ocr2.image_processing_pil_got_ocr2 import get_optimal_tiled_canvas
from transformers.models.llava_next.processing_llava_next import LlavaNextProcessor
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import smart_resize

PINPOINTS = [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]]

SIZES = [
    (1920, 1080), (1080, 1920), (1280, 720), (3840, 2160), (7680, 4320), (2560, 1440), (1366, 768),
    (640, 480), (800, 600), (4032, 3024), (3024, 4032), (500, 375), (640, 427), (333, 500),
    (1023, 767), (336, 336), (224, 224), (448, 448), (672, 672), (1008, 336), (1000, 1000),
    (100, 3000), (3000, 100), (56, 56), (29, 29), (28, 28), (10, 10), (27, 500), (1, 1), (2, 1),
    (1000, 6), (6000, 31), (12000, 9000), (50000, 300), (1919, 1079), (1921, 1081), (700, 699),
]


def sizes():
    rng = random.Random(2026)
    extra = [(rng.randint(1, 5000), rng.randint(1, 5000)) for _ in range(120)]
    return SIZES + extra


def llava_next(w, h):
    processor = object.__new__(LlavaNextProcessor)
    processor.image_processor = types.SimpleNamespace(image_grid_pinpoints=PINPOINTS)
    processor.patch_size = 14
    processor.num_additional_image_tokens = 0
    return processor._get_number_of_features(h, w, 336, 336)


def qwen(w, h, min_pixels, max_pixels):
    try:
        rh, rw = smart_resize(h, w, factor=28, min_pixels=min_pixels, max_pixels=max_pixels)
    except ValueError as error:
        return {"error": str(error)}
    return {"tokens": (rh // 28) * (rw // 28), "resized": [rw, rh]}


def internvl(w, h, max_num):
    cols, rows = get_optimal_tiled_canvas((h, w), (448, 448), 1, max_num)
    n = cols * rows
    return {"tokens": 256 * (n + (1 if n > 1 else 0)), "grid": [cols, rows]}


def clip_crop_fraction(w, h, size):
    image = np.zeros((h, w, 3), dtype=np.uint8)
    rh, rw = get_resize_output_image_size(image, size, default_to_square=False, input_data_format="channels_last")
    # The centre size×size of the resized image survives.
    return 1.0 - (size * size) / (rh * rw)


def main():
    rows = []
    for w, h in sizes():
        rows.append({
            "width": w,
            "height": h,
            "llava_next": llava_next(w, h),
            "qwen2_vl": qwen(w, h, 56 * 56, 28 * 28 * 16384),
            "qwen2_vl_1280": qwen(w, h, 256 * 28 * 28, 1280 * 28 * 28),
            "internvl_12": internvl(w, h, 12),
            "internvl_6": internvl(w, h, 6),
            "clip_336_cropped_fraction": clip_crop_fraction(w, h, 336),
        })
    out = {"transformers": transformers.__version__, "sizes": rows}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
