"""Learning across reviews: the contributory-factor graph above the fishbone and the actions.

- ``scope``: which reviews a figure reads (the services the user may see, a service, a service
  kind, a period) and the SQL of a *citation*: a review citing a factor, counted only when the
  cause carrying the code is supported, or concluded a root cause or a contributory factor (a
  hypothesis not yet tested, or one ruled out, says nothing about what recurs);
- ``recurring``: per factor, its reviews and services, first and last seen, counts per quarter;
- ``pairs``: factors that travel together, weighted by lift (and PMI), with a minimum support;
- ``themes``: communities of factors (networkx Louvain with a fixed seed), reproducible: the
  method, parameters, seed, a hash of the data and a stability figure travel with every answer;
- ``similar``: at most 5 other reviews sharing a review's factors, rare factors weighing most;
- ``recurrence``: whether a factor came back at the same service after an action meant to fix
  it was marked done, rolled up by action type and by strength (system vs individual);
- ``svg``: the pictures (the factor network, quarter trends), pure data -> SVG, escaped;
- ``freshness``: a generation that changes whenever the data these figures read changes, so
  any process can cache a figure until then; ``jobs``: big providers' figures off the request.
"""
