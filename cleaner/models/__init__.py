"""Shipped data of the learned filter: the line model (``default.npz``, read with
``allow_pickle=False``) and the stop lists its features use (``stopwords.json``)."""
