import numpy as np

from docent.index import DenseIndex, LexicalIndex, fuse, tokenize


def test_tokenize_mixes_chinese_and_english():
    toks = tokenize("多头注意力 (multi-head attention) computes Queries")
    assert "注意力" in toks and "多头" in toks
    assert "attent" in toks and "queri" in toks and "multihead" in toks
    assert "the" not in tokenize("the model") and "的" not in tokenize("模型的参数")


def test_lexical_ranks_by_bm25_and_round_trips(tmp_path):
    texts = ["citation recall measures support", "citation precision penalises irrelevant "
             "citations", "the weather is fine", "掩码自注意力遮蔽未来信息"]
    idx = LexicalIndex.build([10, 20, 30, 40], texts)
    hits = idx.search("citation precision", 3)
    assert hits[0][0] == 20 and {h[0] for h in hits} == {10, 20}
    idx.save(tmp_path / "lex")
    again = LexicalIndex.load(tmp_path / "lex")
    assert again.search("掩码", 2)[0][0] == 40
    assert again.search("nothing matches zzz", 2) == []
    assert LexicalIndex.build([], []).search("x", 3) == []


def test_dense_index_exact_top_k(tmp_path):
    m = np.eye(4, dtype=np.float32)
    idx = DenseIndex(np.array([5, 6, 7, 8]), m)
    assert [i for i, _ in idx.search(np.array([0, 0.9, 0.1, 0], dtype=np.float32), 2)] == [6, 7]
    idx.save(tmp_path)
    assert DenseIndex.load(tmp_path).search(m[3], 1)[0][0] == 8


def test_fusion_rewards_agreement():
    fused = fuse({"lexical": [1, 2, 3], "dense": [3, 4, 1]}, k=60)
    order = [i for i, _, _ in fused]
    assert order[:2] == [1, 3] and set(order) == {1, 2, 3, 4}
    assert fused[0][2] == {"lexical": 1, "dense": 3}
    weighted = fuse({"lexical": [1], "dense": [2]}, weights={"dense": 2.0})
    assert weighted[0][0] == 2
