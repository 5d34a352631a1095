"""Authorization matrix, one module per feature.

Each module defines ROUTES: {endpoint: (method, url_template, expectations)} and may define
setup(db, users, ids) to create the objects its URLs need (adding their ids to `ids`). The scenario
every cell starts from (tests/test_authorization_matrix.py): organization A owns case {person}, assigned
to `volunteer_assigned` and `attorney_assigned` and shared at view level with `partner_shared` (staff of
organization B; the share includes privileged material, the A-number, export and printing); `volunteer` is
in A but not assigned; `other_staff` and `other_admin` are in B;
`deactivated` was signed in, then deactivated.
"""
