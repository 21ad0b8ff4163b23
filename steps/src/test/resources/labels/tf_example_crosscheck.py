# One-off check, not run by the build: parses convert-labels TFRecord shards with Google protobuf
# (tf.Example schema declared by hand) and checks deterministic re-serialization gives identical bytes.
# Usage: /usr/bin/python3 tf_example_crosscheck.py OUTPUT_DIR   (needs python3-protobuf)
# Parses Kiln's TFRecord shards with Google's protobuf runtime using tf.Example's schema
# (feature.proto / example.proto built by hand), and checks that protobuf's deterministic
# re-serialization gives the very same bytes.
import glob, struct, sys
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

fdp = descriptor_pb2.FileDescriptorProto(name="tensorflow/core/example/ex.proto", package="tensorflow", syntax="proto3")
F = descriptor_pb2.FieldDescriptorProto
def msg(name, fields, nested=None, oneofs=None, opts=None):
    m = fdp.message_type.add(name=name)
    for f in fields: m.field.add(**f)
    return m
bl = msg("BytesList", [dict(name="value", number=1, label=F.LABEL_REPEATED, type=F.TYPE_BYTES)])
fl = msg("FloatList", [dict(name="value", number=1, label=F.LABEL_REPEATED, type=F.TYPE_FLOAT, options=descriptor_pb2.FieldOptions(packed=True))])
il = msg("Int64List", [dict(name="value", number=1, label=F.LABEL_REPEATED, type=F.TYPE_INT64, options=descriptor_pb2.FieldOptions(packed=True))])
feat = fdp.message_type.add(name="Feature")
feat.oneof_decl.add(name="kind")
for n, num, t in [("bytes_list", 1, ".tensorflow.BytesList"), ("float_list", 2, ".tensorflow.FloatList"), ("int64_list", 3, ".tensorflow.Int64List")]:
    feat.field.add(name=n, number=num, label=F.LABEL_OPTIONAL, type=F.TYPE_MESSAGE, type_name=t, oneof_index=0)
feats = fdp.message_type.add(name="Features")
entry = feats.nested_type.add(name="FeatureEntry", options=descriptor_pb2.MessageOptions(map_entry=True))
entry.field.add(name="key", number=1, label=F.LABEL_OPTIONAL, type=F.TYPE_STRING)
entry.field.add(name="value", number=2, label=F.LABEL_OPTIONAL, type=F.TYPE_MESSAGE, type_name=".tensorflow.Feature")
feats.field.add(name="feature", number=1, label=F.LABEL_REPEATED, type=F.TYPE_MESSAGE, type_name=".tensorflow.Features.FeatureEntry")
ex = fdp.message_type.add(name="Example")
ex.field.add(name="features", number=1, label=F.LABEL_OPTIONAL, type=F.TYPE_MESSAGE, type_name=".tensorflow.Features")
pool = descriptor_pool.DescriptorPool(); pool.Add(fdp)
Example = message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("tensorflow.Example"))

def crc32c(data, table=[]):
    if not table:
        for i in range(256):
            c = i
            for _ in range(8): c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            table.append(c)
    c = 0xffffffff
    for b in data: c = table[(c ^ b) & 0xff] ^ (c >> 8)
    return c ^ 0xffffffff
def mask(c): return ((((c >> 15) | (c << 17)) & 0xffffffff) + 0xa282ead8) & 0xffffffff

n = same = 0; keys = None; check_crc = 50
for path in sorted(glob.glob(sys.argv[1] + "/*.tfrecord")):
    data = open(path, "rb").read(); pos = 0
    while pos < len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        (lcrc,) = struct.unpack_from("<I", data, pos + 8)
        rec = data[pos + 12: pos + 12 + length]
        (dcrc,) = struct.unpack_from("<I", data, pos + 12 + length)
        if n < check_crc:
            assert lcrc == mask(crc32c(data[pos:pos + 8])), path
            assert dcrc == mask(crc32c(rec)), path
        pos += 16 + length
        e = Example(); e.ParseFromString(rec)
        again = e.SerializeToString(deterministic=True)
        n += 1; same += again == rec
        keys = sorted(e.features.feature.keys())
        f = e.features.feature
        assert len(f["image/object/class/label"].int64_list.value) == len(f["image/object/bbox/xmin"].float_list.value)
        assert all(0 <= v <= 1 for v in f["image/object/bbox/ymax"].float_list.value)
print(f"{n} records parsed by protobuf {__import__('google.protobuf').protobuf.__version__}; {same} re-serialize (deterministic) to identical bytes; CRCs of first {check_crc} checked")
print("keys:", keys)
