"""training.soup: the weights of runs of one base averaged, and runs that cannot be averaged refused."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import save_file

from training.soup import SoupError, average, main


def _run(path, tensors, tokenizer="same-vocab", labels=("O", "B-METRIC", "I-METRIC")):
    path.mkdir()
    save_file(tensors, str(path / "model.safetensors"))
    (path / "tokenizer.json").write_text(tokenizer, encoding="utf-8")
    (path / "tagger.json").write_text(json.dumps({"labels": list(labels)}), encoding="utf-8")
    return path


def test_the_soup_is_the_mean_of_every_tensor(tmp_path):
    a = _run(tmp_path / "a", {"w": torch.tensor([[1.0, 2.0]]), "b": torch.tensor([0.0], dtype=torch.float16)})
    b = _run(tmp_path / "b", {"w": torch.tensor([[3.0, -2.0]]), "b": torch.tensor([1.0], dtype=torch.float16)})
    c = _run(tmp_path / "c", {"w": torch.tensor([[5.0, 3.0]]), "b": torch.tensor([2.0], dtype=torch.float16)})
    soup = average([a, b, c])
    assert torch.equal(soup["w"], torch.tensor([[3.0, 1.0]]))
    assert torch.equal(soup["b"], torch.tensor([1.0]))
    assert soup["b"].dtype == torch.float32  # fp16 members are averaged in fp32


@pytest.mark.parametrize("other, message", [
    ({"tensors": {"w": torch.zeros(1, 3)}}, "shape"),
    ({"tensors": {"v": torch.zeros(1, 2)}}, "architecture"),
    ({"tensors": {"w": torch.zeros(1, 2)}, "tokenizer": "other-vocab"}, "tokenizer.json differs"),
    ({"tensors": {"w": torch.zeros(1, 2)}, "labels": ("O", "B-VALUE")}, "labels differ"),
])
def test_runs_of_different_models_are_refused(tmp_path, other, message):
    a = _run(tmp_path / "a", {"w": torch.ones(1, 2)})
    b = _run(tmp_path / "b", other.pop("tensors"), **other)
    with pytest.raises(SoupError, match=message):
        average([a, b])


def test_the_command_names_a_directory_that_is_not_a_run(tmp_path, capsys):
    a = _run(tmp_path / "a", {"w": torch.ones(1, 2)})
    assert main([str(a), str(tmp_path / "missing"), "--out", str(tmp_path / "soup")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "missing" in err and "\n" not in err
    assert not (tmp_path / "soup").exists()
