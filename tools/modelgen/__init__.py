"""tools/make_models.py in modules: one per job (tokenizers, GPT-2 decoders, ONNX surgery, export layouts, BERT)."""
