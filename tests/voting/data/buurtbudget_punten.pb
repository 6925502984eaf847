META
key;value
description;Buurtbudget met punten (hand-written sample)
country;Netherlands
unit;Voorbeeldstad
instance;2025-punten
num_projects;3
num_votes;4
budget;30000
vote_type;cumulative
rule;greedy
max_sum_points;5
PROJECTS
project_id;cost;name
1;10000;Bloembakken
2;15000;Extra lantaarns
3;12000;Buurtfeest
VOTES
voter_id;vote;points
1;1,2;3,2
2;3;5
3;1,3;1,4
4;2;5
