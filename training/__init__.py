"""Training: household simulator -> labeler -> shared_features -> PyTorch MLP -> calibrated ONNX.

Entry point: ``python -m training --config training/config.toml --out artifacts``.
"""
