"""Writes the COCO evaluation fixtures under steps/src/test/resources/evaluate/
and their expected numbers, computed by cocoeval_oracle.py (a port of pycocotools).

Regenerate (from the repository root; needs python3 + numpy, not pycocotools):
    python3 steps/src/test/python/make_fixtures.py
Each fixture folder gets gt.json, dt.json and expected.json (full double precision).
The generator is seeded, so running it again rewrites identical files.
"""
import json
import os
import random
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
from cocoeval_oracle import evaluate  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', 'resources', 'evaluate'))


def box_of_area(rng, area, w_max=640, h_max=480):
    aspect = rng.uniform(0.5, 2.0)
    w = (area * aspect) ** 0.5
    h = area / w
    x = rng.uniform(0, max(1.0, w_max - w))
    y = rng.uniform(0, max(1.0, h_max - h))
    return [round(x, 2), round(y, 2), round(w, 2), round(h, 2)]


def jitter(rng, bb, amount):
    x, y, w, h = bb
    dx, dy = rng.gauss(0, amount * w), rng.gauss(0, amount * h)
    dw, dh = rng.gauss(0, amount * w), rng.gauss(0, amount * h)
    return [round(x + dx, 2), round(y + dy, 2), round(max(0.5, w + dw), 2), round(max(0.5, h + dh), 2)]


def write(name, gt, dt):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'gt.json'), 'w') as f:
        json.dump(gt, f, indent=1)
        f.write('\n')
    with open(os.path.join(folder, 'dt.json'), 'w') as f:
        f.write('[\n' + ',\n'.join(json.dumps(d) for d in dt) + '\n]\n')
    expected = evaluate(gt, dt)
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=2)
        f.write('\n')
    print(name, json.dumps(expected['stats']))


def mixed():
    """Everything at once: crowds, 'ignore' flags, empty images, ties, >100 dets, all sizes."""
    rng = random.Random(7)
    cats = [{'id': 1, 'name': 'person'}, {'id': 2, 'name': 'car'},
            {'id': 3, 'name': 'dog'}, {'id': 4, 'name': 'unused'}]
    image_ids = rng.sample(range(1, 500), 40)          # non-contiguous, listed unsorted
    images = [{'id': i, 'file_name': '%06d.jpg' % i, 'width': 640, 'height': 480} for i in image_ids]
    no_gt = set(image_ids[:5])
    no_dt = set(image_ids[5:10])
    crowded = image_ids[10]                            # gets more than 100 detections
    anns, dts = [], []
    next_id = 0                                        # gt id 0 exists: a pycocotools quirk
    for img in image_ids:
        if img in no_gt:
            continue
        for _ in range(rng.randint(1, 8)):
            cat = rng.choice([1, 2, 3])
            kind = rng.random()
            if kind < 0.3:
                area = rng.uniform(20, 1024)
            elif kind < 0.65:
                area = rng.uniform(1024, 9216)
            else:
                area = rng.uniform(9216, 60000)
            bb = box_of_area(rng, area)
            seg_area = round(bb[2] * bb[3] * rng.uniform(0.6, 1.0), 3)
            if rng.random() < 0.05:
                seg_area = 1024                        # exactly on the small/medium border
            if rng.random() < 0.05:
                seg_area = 9216                        # exactly on the medium/large border
            ann = {'id': next_id, 'image_id': img, 'category_id': cat, 'bbox': bb,
                   'area': seg_area, 'iscrowd': 1 if rng.random() < 0.1 else 0}
            if rng.random() < 0.1:
                ann['ignore'] = 1                      # has no effect in pycocotools
            next_id += 1
            anns.append(ann)
    by_img = {}
    for a in anns:
        by_img.setdefault(a['image_id'], []).append(a)
    for img in image_ids:
        if img in no_dt:
            continue
        for a in by_img.get(img, []):
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                cat = a['category_id'] if rng.random() < 0.9 else rng.choice([1, 2, 3])
                dts.append({'image_id': img, 'category_id': cat,
                            'bbox': jitter(rng, a['bbox'], rng.choice([0.02, 0.08, 0.2])),
                            'score': round(rng.random(), 2)})    # 2 decimals: many ties
        for _ in range(rng.randint(0, 4)):              # false positives
            dts.append({'image_id': img, 'category_id': rng.choice([1, 2, 3]),
                        'bbox': box_of_area(rng, rng.uniform(30, 40000)),
                        'score': round(rng.random(), 2)})
        if rng.random() < 0.3:                          # areas exactly on the range borders
            w, h = rng.choice([(32, 32), (16, 64), (96, 96), (48, 192)])
            dts.append({'image_id': img, 'category_id': rng.choice([1, 2, 3]),
                        'bbox': [rng.randint(0, 500), rng.randint(0, 300), w, h],
                        'score': round(rng.random(), 2)})
        if rng.random() < 0.3:                          # category absent from the gt
            dts.append({'image_id': img, 'category_id': 77,
                        'bbox': box_of_area(rng, 500), 'score': 0.99})
    for _ in range(150):
        cat = 1 if rng.random() < 0.85 else 2           # > 100 in one image AND category
        targets = [a for a in by_img[crowded] if a['category_id'] == cat]
        bb = jitter(rng, rng.choice(targets)['bbox'], 0.1) if targets and rng.random() < 0.5 \
            else box_of_area(rng, rng.uniform(30, 40000))
        dts.append({'image_id': crowded, 'category_id': cat, 'bbox': bb,
                    'score': rng.choice([0.5, 0.25, round(rng.random(), 3)])})
    rng.shuffle(dts)
    write('mixed', {'images': images, 'annotations': anns, 'categories': cats}, dts)


def crowd():
    """Crowd regions: many dts inside one crowd box, crowds of every size, a crowd listed first."""
    cats = [{'id': 1, 'name': 'person'}]
    images = [{'id': i} for i in (1, 2, 3)]
    anns = [
        {'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 200, 200], 'area': 40000, 'iscrowd': 1},
        {'id': 2, 'image_id': 1, 'category_id': 1, 'bbox': [10, 10, 50, 80], 'area': 3500, 'iscrowd': 0},
        {'id': 3, 'image_id': 1, 'category_id': 1, 'bbox': [100, 100, 20, 20], 'area': 400, 'iscrowd': 0},
        {'id': 4, 'image_id': 2, 'category_id': 1, 'bbox': [300, 300, 30, 30], 'area': 900, 'iscrowd': 1},
        {'id': 5, 'image_id': 2, 'category_id': 1, 'bbox': [0, 0, 100, 100], 'area': 10000, 'iscrowd': 0,
         'ignore': 1},
        {'id': 6, 'image_id': 3, 'category_id': 1, 'bbox': [5, 5, 40, 40], 'area': 1600, 'iscrowd': 1},
    ]
    dts = [
        {'image_id': 1, 'category_id': 1, 'bbox': [12, 8, 50, 82], 'score': 0.9},
        {'image_id': 1, 'category_id': 1, 'bbox': [10, 10, 50, 80], 'score': 0.9},
        {'image_id': 1, 'category_id': 1, 'bbox': [150, 150, 20, 20], 'score': 0.8},
        {'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 100, 100], 'score': 0.7},
        {'image_id': 1, 'category_id': 1, 'bbox': [101, 101, 20, 20], 'score': 0.6},
        {'image_id': 1, 'category_id': 1, 'bbox': [180, 180, 40, 40], 'score': 0.5},
        {'image_id': 1, 'category_id': 1, 'bbox': [400, 400, 10, 10], 'score': 0.4},
        {'image_id': 2, 'category_id': 1, 'bbox': [305, 305, 10, 10], 'score': 0.95},
        {'image_id': 2, 'category_id': 1, 'bbox': [290, 290, 50, 50], 'score': 0.85},
        {'image_id': 2, 'category_id': 1, 'bbox': [0, 0, 100, 90], 'score': 0.3},
        {'image_id': 3, 'category_id': 1, 'bbox': [5, 5, 40, 40], 'score': 0.99},
        {'image_id': 3, 'category_id': 1, 'bbox': [0, 0, 300, 300], 'score': 0.2},
    ]
    write('crowd', {'images': images, 'annotations': anns, 'categories': cats}, dts)


def random_large():
    """Bigger random data with float boxes: the accumulation over many images and ties."""
    rng = random.Random(2024)
    cats = [{'id': c, 'name': 'c%d' % c} for c in (3, 1, 2, 5, 8)]
    images = [{'id': i} for i in range(1, 201)]
    anns, dts = [], []
    aid = 1
    for img in range(1, 201):
        gts = []
        for _ in range(rng.randint(0, 12)):
            bb = box_of_area(rng, rng.choice([rng.uniform(10, 1024), rng.uniform(1024, 9216),
                                              rng.uniform(9216, 80000)]))
            a = {'id': aid, 'image_id': img, 'category_id': rng.choice([1, 2, 3, 5, 8]), 'bbox': bb,
                 'area': round(bb[2] * bb[3] * rng.uniform(0.5, 1.0), 2),
                 'iscrowd': 1 if rng.random() < 0.03 else 0}
            aid += 1
            gts.append(a)
        anns.extend(gts)
        n_dt = 130 if img % 50 == 0 else rng.randint(0, 25)
        for _ in range(n_dt):
            if gts and rng.random() < 0.6:
                g = rng.choice(gts)
                cat = g['category_id'] if rng.random() < 0.85 else rng.choice([1, 2, 3, 5, 8])
                bb = jitter(rng, g['bbox'], rng.choice([0.01, 0.05, 0.1, 0.3]))
            else:
                cat = rng.choice([1, 2, 3, 5, 8])
                bb = box_of_area(rng, rng.uniform(10, 50000))
            dts.append({'image_id': img, 'category_id': cat, 'bbox': bb,
                        'score': round(rng.random(), rng.choice([1, 3, 6]))})
    write('random_large', {'images': images, 'annotations': anns, 'categories': cats}, dts)


def no_detections():
    """An empty result list: every defined AP and AR is 0."""
    cats = [{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}]
    images = [{'id': 1}, {'id': 2}]
    anns = [
        {'id': 1, 'image_id': 1, 'category_id': 1, 'bbox': [0, 0, 10, 10], 'area': 100, 'iscrowd': 0},
        {'id': 2, 'image_id': 2, 'category_id': 2, 'bbox': [0, 0, 100, 100], 'area': 10000, 'iscrowd': 0},
    ]
    write('no_detections', {'images': images, 'annotations': anns, 'categories': cats}, [])


def id_zero():
    """pycocotools records a match by the gt's id and reads 0 as 'no match': a detection that
    matches the gt with id 0 is a false positive and that gt is never found."""
    cats = [{'id': 1, 'name': 'a'}]
    images = [{'id': 10}, {'id': 11}]
    anns = [
        {'id': 0, 'image_id': 10, 'category_id': 1, 'bbox': [10, 10, 50, 50], 'area': 2500, 'iscrowd': 0},
        {'id': 1, 'image_id': 10, 'category_id': 1, 'bbox': [100, 100, 50, 50], 'area': 2500, 'iscrowd': 0},
        {'id': 2, 'image_id': 11, 'category_id': 1, 'bbox': [0, 0, 20, 20], 'area': 400, 'iscrowd': 0},
    ]
    dts = [
        {'image_id': 10, 'category_id': 1, 'bbox': [10, 10, 50, 50], 'score': 0.9},
        {'image_id': 10, 'category_id': 1, 'bbox': [100, 100, 50, 50], 'score': 0.8},
        {'image_id': 11, 'category_id': 1, 'bbox': [0, 0, 20, 20], 'score': 0.7},
    ]
    write('id_zero', {'images': images, 'annotations': anns, 'categories': cats}, dts)


if __name__ == '__main__':
    id_zero()
    mixed()
    crowd()
    random_large()
    no_detections()
