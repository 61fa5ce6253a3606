"""Edits on exported ONNX graphs: exact I/O shapes, the optimum-style merged decoder, weight-only int8."""

import collections
import hashlib

from onnx import TensorProto, helper, numpy_helper
import numpy as np
import onnx


def fix_graph_io_shapes(path, shapes):
    """Set the exact I/O shapes (symbolic names) on graph inputs/outputs; torch leaves some as generated names."""
    m = onnx.load(path)
    for vi in list(m.graph.input) + list(m.graph.output):
        if vi.name in shapes:
            dims = vi.type.tensor_type.shape.dim
            want = shapes[vi.name]
            assert len(dims) == len(want), (vi.name, len(dims), want)
            for d, w in zip(dims, want):
                d.Clear()
                if isinstance(w, int):
                    d.dim_value = w
                else:
                    d.dim_param = w
    onnx.save(m, path)

def make_merged_decoder(no_past_path, with_past_path, out_path):
    """optimum-style decoder_model_merged.onnx: one If node on `use_cache_branch` selecting the
    with-past graph (then_branch) or the no-past graph (else_branch); weights shared (deduplicated by
    content) as main-graph initializers."""
    m_np = onnx.load(no_past_path)
    m_wp = onnx.load(with_past_path)
    outer_inputs = {vi.name for vi in m_wp.graph.input}
    inits, init_by_key, used_names = [], {}, set()

    def branch(graph, prefix, branch_name):
        rename = {}
        for init in graph.initializer:
            arr = numpy_helper.to_array(init)
            key = (arr.dtype.str, arr.shape, hashlib.sha256(arr.tobytes()).hexdigest())
            if key not in init_by_key:
                name = init.name
                k = 1
                while name in used_names or name in outer_inputs:
                    name = "%s_%d" % (init.name, k)
                    k += 1
                used_names.add(name)
                init_by_key[key] = name
                inits.append(numpy_helper.from_array(arr, name))
            rename[init.name] = init_by_key[key]

        def rn(n):
            if n == "" or n in outer_inputs:
                return n
            if n in rename:
                return rename[n]
            return prefix + n

        nodes = []
        for node in graph.node:
            assert not any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
                           for a in node.attribute), "nested subgraphs not supported"
            nn_ = onnx.NodeProto()
            nn_.CopyFrom(node)
            del nn_.input[:]
            nn_.input.extend(rn(x) for x in node.input)
            del nn_.output[:]
            nn_.output.extend(rn(x) for x in node.output)
            nn_.name = prefix + (node.name or node.output[0])
            nodes.append(nn_)
        outs = []
        for vi in graph.output:
            t = vi.type.tensor_type
            outs.append(helper.make_tensor_value_info(rn(vi.name), t.elem_type, ["" for _ in t.shape.dim]))
            for d in outs[-1].type.tensor_type.shape.dim:
                d.Clear()
        return helper.make_graph(nodes, branch_name, [], outs)

    then_g = branch(m_wp.graph, "with_past/", "decoder_with_past")
    else_g = branch(m_np.graph, "no_past/", "decoder_no_past")
    out_names = [vi.name for vi in m_wp.graph.output]
    assert out_names == [vi.name for vi in m_np.graph.output]
    if_node = helper.make_node("If", ["use_cache_branch"], out_names, name="optimum::if",
                               then_branch=then_g, else_branch=else_g)
    inputs = list(m_wp.graph.input) + [helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])]
    graph = helper.make_graph([if_node], "merged_decoder", inputs, list(m_wp.graph.output), initializer=inits)
    model = helper.make_model(graph, opset_imports=list(m_wp.opset_import), producer_name="make_models.py")
    model.ir_version = m_wp.ir_version
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, out_path)
    onnx.checker.check_model(out_path)


def make_quantized(src_path, out_path, min_elems=1024):
    """Weight-only int8: each large 2-D initializer consumed only as a MatMul weight (input 1) or a Gather
    table (input 0) is stored as int8 with a per-channel float scale (symmetric, zero_point 0) and a
    DequantizeLinear node recreating the original float tensor name."""
    m = onnx.load(src_path)
    g = m.graph
    consumers = collections.defaultdict(list)
    for node in g.node:
        for idx, x in enumerate(node.input):
            consumers[x].append((node.op_type, idx))
    new_inits, deq_nodes = [], []
    n_q = 0
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        uses = consumers.get(init.name, [])
        if arr.dtype == np.float32 and arr.ndim == 2 and arr.size >= min_elems and uses:
            if all(u == ("MatMul", 1) for u in uses):
                axis = 1  # [K, N]: one scale per output column
            elif all(u == ("Gather", 0) for u in uses):
                axis = 0  # [V, E]: one scale per table row
            else:
                new_inits.append(init)
                continue
            amax = np.abs(arr).max(axis=1 - axis)
            scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
            shp = [1, -1] if axis == 1 else [-1, 1]
            q = np.clip(np.round(arr / scale.reshape(shp)), -127, 127).astype(np.int8)
            new_inits += [numpy_helper.from_array(q, init.name + "_quantized"),
                          numpy_helper.from_array(scale, init.name + "_scale"),
                          numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), init.name + "_zero_point")]
            deq_nodes.append(helper.make_node(
                "DequantizeLinear", [init.name + "_quantized", init.name + "_scale", init.name + "_zero_point"],
                [init.name], name=init.name + "_DequantizeLinear", axis=axis))
            n_q += 1
        else:
            new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = deq_nodes + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, out_path)
    return n_q
