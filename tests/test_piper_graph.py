"""The Piper graph rewrite that moves residual sums into their convolutions (`piper_graph`),
on small graphs built here: fused only where the sum provably has the convolution's shape, and
the fused graph computes what the plain one does."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from audiobook.speech.piper_graph import fuse_residual_convs  # noqa: E402

RNG = np.random.default_rng(7)


def _weight(name: str, *shape: int):
    return numpy_helper.from_array(RNG.standard_normal(shape).astype(np.float32) * 0.3, name)


def _model(nodes, initializers, outputs, channels: int = 4):
    graph = helper.make_graph(
        nodes,
        "residuals",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, channels, "T"])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, None) for name in outputs],
        initializers,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model, x: np.ndarray) -> list[np.ndarray]:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})


def test_residual_sums_of_shape_keeping_convs_are_fused_and_compute_the_same():
    nodes = [
        # x + Conv(LeakyRelu(x)), kernel 3 padded 1 each side: fused
        helper.make_node("LeakyRelu", ["x"], ["a"], alpha=0.1),
        helper.make_node("Conv", ["a", "w1", "b1"], ["c1"], kernel_shape=[3], pads=[1, 1]),
        helper.make_node("Add", ["c1", "x"], ["y1"]),
        # the residual first, a dilated kernel, two elementwise ops before it: fused
        helper.make_node("LeakyRelu", ["y1"], ["a2"], alpha=0.1),
        helper.make_node("Tanh", ["a2"], ["t2"]),
        helper.make_node("Conv", ["t2", "w2"], ["c2"], kernel_shape=[3], pads=[3, 3], dilations=[3]),
        helper.make_node("Add", ["y1", "c2"], ["y2"]),
        # the Conv's output read twice: not fused
        helper.make_node("Conv", ["y2", "w3", "b3"], ["c3"], kernel_shape=[1]),
        helper.make_node("Add", ["c3", "y2"], ["y3"]),
        helper.make_node("Mul", ["c3", "y3"], ["y4"]),
        # more channels out than in, and a sum that broadcasts a bias: not fused
        helper.make_node("Conv", ["y4", "w4"], ["c4"], kernel_shape=[1]),
        helper.make_node("Add", ["c4", "bias"], ["y5"]),
        # a residual that is not the Conv's input: not fused
        helper.make_node("Conv", ["y4", "w5"], ["c5"], kernel_shape=[1]),
        helper.make_node("Add", ["c5", "y1"], ["y6"]),
        # HiFi-GAN's first block type, x + Conv(LeakyRelu(Conv(LeakyRelu(x)))): fused
        helper.make_node("LeakyRelu", ["y6"], ["a7"], alpha=0.1),
        helper.make_node("Conv", ["a7", "w1"], ["c7"], kernel_shape=[3], pads=[1, 1]),
        helper.make_node("LeakyRelu", ["c7"], ["a8"], alpha=0.1),
        helper.make_node("Conv", ["a8", "w2"], ["c8"], kernel_shape=[3], pads=[3, 3], dilations=[3]),
        helper.make_node("Add", ["c8", "y6"], ["y7"]),
        # …but not when a Conv on the way changes the shape (two samples shorter, then longer)
        helper.make_node("Conv", ["y7", "w1"], ["c9"], kernel_shape=[3], pads=[0, 0]),
        helper.make_node("Conv", ["c9", "w1"], ["c10"], kernel_shape=[3], pads=[2, 2]),
        helper.make_node("Add", ["c10", "y7"], ["y8"]),
    ]
    initializers = [
        _weight("w1", 4, 4, 3), _weight("b1", 4), _weight("w2", 4, 4, 3), _weight("w3", 4, 4, 1),
        _weight("b3", 4), _weight("w4", 6, 4, 1), _weight("bias", 1, 6, 1), _weight("w5", 4, 4, 1),
    ]  # fmt: skip
    plain = _model(nodes, initializers, ["y5", "y8"])
    fused = _model(nodes, initializers, ["y5", "y8"])

    assert fuse_residual_convs(fused) == 3
    kinds = [node.op_type for node in fused.graph.node]
    assert kinds.count("FusedConv") == 3 and kinds.count("Add") == 4  # of 7
    x = RNG.standard_normal((1, 4, 500)).astype(np.float32)
    for got, want in zip(_run(fused, x), _run(plain, x), strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "conv",
    [
        helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3], pads=[0, 0]),  # shorter output
        helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3], pads=[1, 1], strides=[2]),  # half as long
        helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3], pads=[2, 2]),  # longer output
        helper.make_node("Conv", ["x", "wg"], ["c"], kernel_shape=[3], pads=[1, 1], group=2),  # grouped
        helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3], auto_pad="VALID"),  # shorter output
    ],
    ids=["no-padding", "stride-2", "over-padded", "grouped", "valid"],
)
def test_a_conv_that_may_change_the_shape_keeps_its_add(conv):
    model = _model(
        [conv, helper.make_node("Add", ["c", "x"], ["y"])], [_weight("w", 4, 4, 3), _weight("wg", 4, 2, 3)], ["y"]
    )

    assert fuse_residual_convs(model) == 0
    assert [node.op_type for node in model.graph.node] == ["Conv", "Add"]


def test_a_graph_output_of_the_conv_keeps_its_add():
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3], pads=[1, 1]),
        helper.make_node("Add", ["c", "x"], ["y"]),
    ]
    model = _model(nodes, [_weight("w", 4, 4, 3)], ["y", "c"])

    assert fuse_residual_convs(model) == 0


@pytest.mark.parametrize(
    "stride, kernel, pads, bias",
    [(8, 16, [4, 4], True), (4, 8, [2, 2], False), (2, 6, [0, 3], True), (3, 3, [1, 0], True), (2, 4, [0, 0], False)],
)
def test_a_transposed_convolution_runs_as_its_phases_with_the_same_values(stride, kernel, pads, bias):
    from audiobook.speech.piper_graph import polyphase_conv_transposes

    inputs = ["x", "w", "b"] if bias else ["x", "w"]
    node = helper.make_node("ConvTranspose", inputs, ["y"], kernel_shape=[kernel], strides=[stride], pads=pads)
    initializers = [_weight("w", 4, 3, kernel), _weight("b", 3)]
    plain = _model([node], initializers, ["y"])
    rewritten = _model([node], initializers, ["y"])

    assert polyphase_conv_transposes(rewritten.graph) == 1
    assert "ConvTranspose" not in {n.op_type for n in rewritten.graph.node}
    assert "w" not in {init.name for init in rewritten.graph.initializer}  # its own weights are gone
    for length in (1, 7, 300):
        x = RNG.standard_normal((1, 4, length)).astype(np.float32)
        (got,), (want,) = _run(rewritten, x), _run(plain, x)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "attributes",
    [
        {"kernel_shape": [5], "strides": [2], "pads": [1, 1]},  # kernel not a multiple of the stride
        {"kernel_shape": [4], "strides": [2], "pads": [1, 1], "output_padding": [1]},
        {"kernel_shape": [4], "strides": [2], "pads": [1, 1], "dilations": [2]},
        {"kernel_shape": [4], "strides": [2], "pads": [1, 1], "group": 2},
        {"kernel_shape": [4], "strides": [2], "auto_pad": "SAME_UPPER"},
        {"kernel_shape": [4], "strides": [1], "pads": [1, 2]},  # stride 1 has one phase: nothing to gain
    ],
    ids=["kernel-5-stride-2", "output-padding", "dilated", "grouped", "auto-pad", "stride-1"],
)
def test_a_transposed_convolution_outside_the_rule_is_left_as_it_is(attributes):
    from audiobook.speech.piper_graph import polyphase_conv_transposes

    kernel = attributes["kernel_shape"][0]
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], **attributes)
    model = _model([node], [_weight("w", 4, 2 if attributes.get("group") else 3, kernel)], ["y"])

    assert polyphase_conv_transposes(model.graph) == 0
    assert [n.op_type for n in model.graph.node] == ["ConvTranspose"]
