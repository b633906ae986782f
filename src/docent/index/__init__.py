"""Hybrid retrieval: lexical (BM25, jieba + Snowball) and dense (multilingual), fused by RRF."""

from docent.index.dense import DenseIndex, Embedder, get_embedder, register_embedder
from docent.index.fusion import fuse
from docent.index.lexical import LexicalIndex
from docent.index.retriever import Retriever, dense_text, embed_texts
from docent.index.tokenize import tokenize

__all__ = [
    "DenseIndex",
    "Embedder",
    "LexicalIndex",
    "Retriever",
    "dense_text",
    "embed_texts",
    "fuse",
    "get_embedder",
    "register_embedder",
    "tokenize",
]
