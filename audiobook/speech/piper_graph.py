"""A Piper voice's ONNX graph as the engine runs it: rewritten once at load, in memory.

Three rewrites (the ``onnx`` package; nothing is written to disk):

- **Noise as inputs** (determinism, see `piper`): each ``RandomNormalLike`` becomes a slice of a
  new graph input the engine feeds, and the phoneme durations become an output (word timing).
- **Residual sums inside their convolution** (speed): ``Add(Conv(f(x)), x)``, where f is a chain
  of elementwise ops of one input (and of such convolutions) and the convolution keeps the shape
  of x, becomes ONNX Runtime's ``FusedConv`` with x as its sum input ``Z``: the convolution writes
  the sum itself instead of a separate pass over a tensor of up to 64 channels × 22,050 samples
  per second of speech. On joe-medium this is 18 of the decoder's 24 ``Add`` nodes; a sentence
  takes ~5 % less CPU (the seed's 43 sentences, taken in turn against the plain graph) and its
  samples move by at most one 16-bit step. ONNX Runtime's own optimizers do not make this fusion
  for one-dimensional convolutions.
- **Upsampling as a plain convolution** (speed): a one-dimensional ``ConvTranspose`` of stride s
  whose kernel is a multiple of s is s convolutions of the input, one per output phase; they run
  as one ``Conv`` with s times the output channels, interleaved by Reshape/Transpose/Reshape and
  cut by a Slice to the transposed convolution's padding. Measured on joe-medium's three
  upsamplers alone: 7–23 % faster than ONNX Runtime's ConvTranspose (its column buffer is twice
  the output); the same values within 3e-6. A sentence takes ~4 % less CPU on top of the fusion.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import EngineUnavailable

# Bump when a rewrite changes what the graph computes (the audio may move by a 16-bit step): it is
# part of the engine's fingerprint, so clips of the old graph are not reused.
GRAPH_SCHEME = "speed-v1"
_OTHER_RANDOM_OPS = {"RandomNormal", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout"}
# Elementwise ops of one input: the shape they give is the shape they take.
_SHAPE_KEEPING_UNARY = {"LeakyRelu", "Relu", "Tanh", "Sigmoid", "Elu", "Selu", "Softplus", "Identity", "Neg", "Abs"}


def _standard(node, op_type: str) -> bool:
    """Whether ``node`` is the ONNX standard op ``op_type`` (not one of another domain so named)."""
    return node.op_type == op_type and node.domain in ("", "ai.onnx")


def _attributes(node) -> dict:
    """A node's attributes by name, as Python values (``auto_pad`` as text)."""
    from onnx import helper

    attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    if isinstance(attributes.get("auto_pad"), bytes):
        attributes["auto_pad"] = attributes["auto_pad"].decode()
    return attributes


def _readers(nodes) -> dict[str, int]:
    """How many node inputs read each tensor."""
    readers: dict[str, int] = {}
    for node in nodes:
        for name in node.input:
            readers[name] = readers.get(name, 0) + 1
    return readers


@dataclass(frozen=True)
class PreparedGraph:
    model: bytes  # serialized, for onnxruntime.InferenceSession
    noises: list[tuple[str, float, float]]  # per new noise input: its name, mean and scale
    durations: str | None  # the output added for word timing (phoneme durations), if the graph has one
    fused: int  # residual sums moved into their convolution
    polyphase: int  # transposed convolutions run as plain ones

    @property
    def sped_up(self) -> bool:
        return bool(self.fused or self.polyphase)


def prepare_graph(model_bytes: bytes, speed: bool = True) -> PreparedGraph:
    """The voice's graph with its noise as inputs and (``speed``) the rewrites for speed."""
    import onnx

    model = onnx.load_from_string(model_bytes)
    noises, durations = _noise_inputs(model.graph)
    fused = fuse_residual_convs(model) if speed else 0
    polyphase = polyphase_conv_transposes(model.graph) if speed else 0
    if not noises and not durations and not fused and not polyphase:
        return PreparedGraph(model_bytes, noises, None, 0, 0)
    # No onnx.checker here (0.34 s of a 1.2 s load): ONNX Runtime checks the graph as it loads it.
    return PreparedGraph(model.SerializeToString(), noises, durations, fused, polyphase)


def _noise_inputs(graph) -> tuple[list[tuple[str, float, float]], str | None]:
    """Replace each RandomNormalLike by ``Slice(Tile(noise_k, repeats), 0, Shape(its input))``
    where ``noise_k`` is a new input of shape [1, C, frames] and ``repeats`` = ceil(needed /
    given) per axis, and add each one's needed shape as an output (how the engine learns C). Also
    add the phoneme durations (``Ceil``, what piper.patch_voice_with_alignment marks) as an output."""
    from onnx import TensorProto, helper

    nodes = list(graph.node)
    other = sorted({n.op_type for n in nodes if n.op_type in _OTHER_RANDOM_OPS})
    if other:  # noise we do not feed would make the output differ run to run: refuse, not guess
        raise EngineUnavailable(
            f"this Piper voice draws noise the engine cannot make deterministic ({', '.join(other)})"
        )
    noises: list[tuple[str, float, float]] = []
    rewritten = []
    for node in nodes:
        if node.op_type != "RandomNormalLike":
            rewritten.append(node)
            continue
        attrs = _attributes(node)
        if attrs.get("dtype", TensorProto.FLOAT) != TensorProto.FLOAT:
            raise EngineUnavailable("this Piper voice draws noise of a type the engine cannot feed")
        k = len(noises)
        name, p = f"audiobook_noise_{k}", f"audiobook_noise_{k}/"
        noises.append((name, float(attrs.get("mean", 0.0)), float(attrs.get("scale", 1.0))))
        graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, f"c{k}", f"n{k}"]))
        one = helper.make_tensor(p + "one", TensorProto.INT64, [1], [1])
        zeros = helper.make_tensor(p + "zeros", TensorProto.INT64, [3], [0, 0, 0])
        graph.initializer.extend([one, zeros])
        rewritten += [
            helper.make_node("Shape", [node.input[0]], [p + "need"], name=p + "need"),
            helper.make_node("Shape", [name], [p + "have"], name=p + "have"),
            # repeats = ceil(need / have) = (need + have - 1) / have, per axis
            helper.make_node("Sub", [p + "have", p + "one"], [p + "have_1"], name=p + "have_1"),
            helper.make_node("Add", [p + "need", p + "have_1"], [p + "up"], name=p + "up"),
            helper.make_node("Div", [p + "up", p + "have"], [p + "repeats"], name=p + "repeats"),
            helper.make_node("Tile", [name, p + "repeats"], [p + "tiled"], name=p + "tiled"),
            helper.make_node("Slice", [p + "tiled", p + "zeros", p + "need"], list(node.output), name=p + "slice"),
        ]
        graph.output.append(helper.make_tensor_value_info(p + "need", TensorProto.INT64, [3]))
    ceil = [output for n in nodes if n.op_type == "Ceil" for output in n.output]
    durations = ceil[0] if len(ceil) == 1 and all(o.name != ceil[0] for o in graph.output) else None
    if durations:
        graph.output.append(helper.make_empty_tensor_value_info(durations))
    if noises:
        del graph.node[:]
        graph.node.extend(rewritten)
    return noises, durations


def fuse_residual_convs(model) -> int:
    """Turn each residual ``Add(Conv(f(x)), x)`` whose Conv keeps x's shape into ``FusedConv(f(x),
    W, B, Z=x)`` (com.microsoft, ONNX Runtime's CPU kernels); how many were fused.

    The shape is proved from the graph alone, never guessed: f is a chain of elementwise ops of one
    input and of Convs that keep the shape; the Conv has stride 1, one group, a weight initializer
    with as many output channels as input channels, and padding that adds back what its kernel's
    reach takes (so the sum has no broadcasting). The Conv's output must feed the Add alone and not
    be a graph output.
    """
    from onnx import helper

    graph = model.graph
    nodes = list(graph.node)
    weights = {init.name: list(init.dims) for init in graph.initializer}
    producer = {output: node for node in nodes for output in node.output}
    readers = _readers(nodes)
    graph_outputs = {output.name for output in graph.output}

    def reaches(tensor: str, source: str) -> bool:
        """Whether ``tensor`` is ``source`` through elementwise ops of one input and shape-keeping
        Convs only (HiFi-GAN's first residual block type has two Convs before its sum)."""
        while tensor != source:
            node = producer.get(tensor)
            if node is None or not (
                (node.op_type in _SHAPE_KEEPING_UNARY and _standard(node, node.op_type)) or _keeps_shape(node, weights)
            ):
                return False
            tensor = node.input[0]
        return True

    fused_for: dict[int, object] = {}  # id of the Add → its FusedConv
    gone: set[int] = set()  # ids of the Convs folded into one
    for add in nodes:
        if not _standard(add, "Add") or len(add.input) != 2:
            continue
        for conv_out, residual in (add.input, tuple(reversed(add.input))):
            conv = producer.get(conv_out)
            if (
                conv is None
                or id(conv) in gone
                or conv_out in graph_outputs
                or readers.get(conv_out) != 1
                or not _keeps_shape(conv, weights)
                or not reaches(conv.input[0], residual)
            ):
                continue
            bias = conv.input[2] if len(conv.input) > 2 else ""
            fused_for[id(add)] = helper.make_node(
                "FusedConv",
                [conv.input[0], conv.input[1], bias, residual],
                list(add.output),
                name=f"{conv.name or conv_out}/with_residual",
                domain="com.microsoft",
                **_attributes(conv),
            )
            gone.add(id(conv))
            break
    if not fused_for:
        return 0
    # Each FusedConv takes its Add's place: everything it reads exists by then (the Conv's input
    # came before the Conv, the residual before the Add).
    rewritten = [fused_for.get(id(node), node) for node in nodes if id(node) not in gone]
    del graph.node[:]
    graph.node.extend(rewritten)
    if not any(entry.domain == "com.microsoft" for entry in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return len(fused_for)


def _keeps_shape(conv, weights: dict[str, list[int]]) -> bool:
    """Whether a Conv's output has its input's shape (see `fuse_residual_convs`)."""
    if not _standard(conv, "Conv") or len(conv.input) < 2:
        return False
    dims = weights.get(conv.input[1])
    if not dims or len(dims) < 3 or dims[0] != dims[1]:
        return False
    attributes = _attributes(conv)
    kernel = dims[2:]
    if list(attributes.get("kernel_shape", kernel)) != kernel or attributes.get("group", 1) != 1:
        return False
    if any(stride != 1 for stride in attributes.get("strides", [1] * len(kernel))):
        return False
    dilations = list(attributes.get("dilations", [1] * len(kernel)))
    auto_pad = attributes.get("auto_pad", "NOTSET")
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        return True
    if auto_pad != "NOTSET" or len(dilations) != len(kernel):
        return False
    pads = list(attributes.get("pads", [0] * 2 * len(kernel)))
    if len(pads) != 2 * len(kernel):
        return False
    return all(
        pads[axis] + pads[axis + len(kernel)] == dilations[axis] * (kernel[axis] - 1) for axis in range(len(kernel))
    )


def polyphase_conv_transposes(graph) -> int:
    """Run each one-dimensional ``ConvTranspose`` whose kernel is a multiple of its stride as a
    ``Conv`` of its phases (see the module docstring); how many were rewritten.

    With stride s, kernel K = J·s and pads (b, e): output sample t = m·s + r of the unpadded
    result is Σ_j W[:, :, j·s + r]ᵀ x[m − j], a correlation of x with a J-tap kernel per phase r.
    One Conv with s·C_out channels (phase-major, taps reversed, padded J − 1 each side) gives every
    phase for m = 0 … L + J − 2; interleaving the phases gives the unpadded s·(L − 1) + K samples,
    and the Slice drops the b first and e last, as the transposed convolution's pads do.
    """
    import numpy as np
    from onnx import helper, numpy_helper

    initializers = {init.name: init for init in graph.initializer}
    readers = _readers(graph.node)
    rewritten = []
    count = 0
    for node in graph.node:
        plan = _polyphase_plan(node, initializers)
        if plan is None:
            rewritten.append(node)
            continue
        stride, taps, (pad_begin, pad_end) = plan
        weight = numpy_helper.to_array(initializers[node.input[1]])  # [C_in, C_out, K]
        c_in, c_out, _ = weight.shape
        # phase_weight[r·C_out + o, c, q] = weight[c, o, (J − 1 − q)·s + r]
        phases = weight.reshape(c_in, c_out, taps, stride)[:, :, ::-1, :].transpose(3, 1, 0, 2)
        p = f"{node.name or node.output[0]}/polyphase/"
        tensors = {
            p + "weight": np.ascontiguousarray(phases.reshape(stride * c_out, c_in, taps)),
            p + "phases": np.array([0, stride, c_out, -1], np.int64),
            p + "samples": np.array([0, c_out, -1], np.int64),
            p + "start": np.array([pad_begin], np.int64),
            # a negative end counts from the end; with no padding there, past the end is the end
            p + "end": np.array([-pad_end if pad_end else np.iinfo(np.int64).max], np.int64),
            p + "axis": np.array([2], np.int64),
        }
        conv_inputs = [node.input[0], p + "weight"]
        if len(node.input) > 2 and node.input[2]:
            bias = numpy_helper.to_array(initializers[node.input[2]])
            tensors[p + "bias"] = np.tile(bias, stride)  # phase-major, as the channels are
            conv_inputs.append(p + "bias")
        graph.initializer.extend(numpy_helper.from_array(value, name) for name, value in tensors.items())
        rewritten += [
            helper.make_node("Conv", conv_inputs, [p + "conv"], name=p + "conv", kernel_shape=[taps],
                             pads=[taps - 1, taps - 1]),
            helper.make_node("Reshape", [p + "conv", p + "phases"], [p + "by_phase"], name=p + "by_phase"),
            helper.make_node("Transpose", [p + "by_phase"], [p + "interleaved"], name=p + "interleaved",
                             perm=[0, 2, 3, 1]),
            helper.make_node("Reshape", [p + "interleaved", p + "samples"], [p + "unpadded"], name=p + "unpadded"),
            helper.make_node("Slice", [p + "unpadded", p + "start", p + "end", p + "axis"], list(node.output),
                             name=p + "cut"),
        ]  # fmt: skip
        for name in node.input[1:3]:
            readers[name] = readers.get(name, 0) - 1
        count += 1
    if not count:
        return 0
    del graph.node[:]
    graph.node.extend(rewritten)
    # The transposed convolutions' own weights, when nothing else reads them, go (tens of MB at most).
    fed = {value.name for value in graph.input}  # an initializer may double as an input (older IRs): kept
    unread = [init for init in graph.initializer if readers.get(init.name, 1) == 0 and init.name not in fed]
    for init in unread:
        graph.initializer.remove(init)
    return count


def _polyphase_plan(node, initializers: dict) -> tuple[int, int, tuple[int, int]] | None:
    """(stride, taps per phase, pads) when a node is a ConvTranspose `polyphase_conv_transposes`
    can rewrite: one-dimensional, one group, no dilation, output padding or output shape, and
    weights (and bias) held in initializers; else None."""
    from onnx import TensorProto

    if not _standard(node, "ConvTranspose") or len(node.input) < 2:
        return None
    weight = initializers.get(node.input[1])
    if weight is None or len(weight.dims) != 3 or weight.data_location == TensorProto.EXTERNAL:
        return None
    if len(node.input) > 2 and node.input[2] and node.input[2] not in initializers:
        return None
    attributes = _attributes(node)
    kernel = int(weight.dims[2])
    strides = list(attributes.get("strides", [1]))
    pads = list(attributes.get("pads", [0, 0]))
    if (
        attributes.get("auto_pad", "NOTSET") != "NOTSET"
        or attributes.get("group", 1) != 1
        or list(attributes.get("dilations", [1])) != [1]
        or list(attributes.get("kernel_shape", [kernel])) != [kernel]
        or any(attributes.get("output_padding", [0]))
        or "output_shape" in attributes
        or len(strides) != 1
        or len(pads) != 2
        or min(pads) < 0
    ):
        return None
    stride = int(strides[0])
    if stride < 2 or kernel % stride:
        return None
    return stride, kernel // stride, (int(pads[0]), int(pads[1]))
