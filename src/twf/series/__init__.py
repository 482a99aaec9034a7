"""The series stores: one point's whole forecast in one small read per (model, variable)
(docs/ARTIFACT_CONTRACT.md "Series store").

Per (model, run, variable), segments of the frames' values, time-major so that a point's every hour lies in
one small chunk per segment, named by a committed document. `layout` cuts them, `segment` encodes one (a
Zarr v3 array), `document` is the committed list, `write` fills them from committed frames (the publisher,
`twf check --fix`), `read` gives the API a point's cells. The frames stay the truth: a store holds only
committed frames, and the API reads any committed hour a store lacks from its value COG.
"""
