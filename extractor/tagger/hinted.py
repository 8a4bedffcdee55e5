"""The token classifier that also reads the rule tagger's labels ("rule hints").

The rules encode the guidelines' decisions directly, and the model sees only
two real reports; the model is better at VALUE and at text the rules have no
pattern for. So the model can be given, per token, the rule tagger's label for
that token's chunk (`encoding.HINTS`), as an embedding added to the word
embedding before the encoder's LayerNorm. It is trained on hints with noise
(`training/hints.py`) so that it learns where the rules' boundaries go wrong
instead of copying them.

A hinted model directory has `"hints": true` in `tagger.json` and
`num_hints` in `config.json`; `model_class(meta)` gives the class that loads it.
"""

from __future__ import annotations

from torch import nn
from transformers import BertForTokenClassification

from extractor.tagger.encoding import HINTS


class HintedBertForTokenClassification(BertForTokenClassification):
    def __init__(self, config):
        super().__init__(config)
        config.num_hints = getattr(config, "num_hints", len(HINTS))
        self.hint_embeddings = nn.Embedding(config.num_hints, config.hidden_size)
        self.post_init()

    def start_from_base(self) -> None:
        """Zero hint embeddings: at step 0 the model is exactly the base encoder."""
        nn.init.zeros_(self.hint_embeddings.weight)

    def forward(self, input_ids=None, attention_mask=None, hint_ids=None, labels=None, **kwargs):
        embeds = self.bert.embeddings.word_embeddings(input_ids)
        if hint_ids is not None:
            embeds = embeds + self.hint_embeddings(hint_ids)
        return super().forward(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels, **kwargs)


def model_class(meta: dict):
    """The class that loads a tagger directory with this `tagger.json`."""
    if meta.get("hints"):
        return HintedBertForTokenClassification
    from transformers import AutoModelForTokenClassification

    return AutoModelForTokenClassification
