"""The only door to YAML (and strict JSON): loading with positions, fast parsing, exact emitting.

- source: inventory files composed by ruamel.yaml with every position kept;
- manifests: rendered documents parsed back by the Rust yaml_rs parser; strict JSON;
- emit: the emitter whose quoting is safe under YAML 1.1 and 1.2.
"""
