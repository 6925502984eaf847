META
key;value
description;Buurtbudget Oost 2025 (hand-written sample)
country;Netherlands
unit;Voorbeeldstad
instance;2025
num_projects;3
num_votes;10
budget;100000
vote_type;approval
rule;equalshares
min_length;1
max_length;3
PROJECTS
project_id;cost;name
1;50000;Speeltuin bij de school
2;48000;Skatebaan
3;40000;"Leeshoek in de bibliotheek; met koffie"
VOTES
voter_id;vote
1;1,2
2;3
3;1,2
4;1
5;3
6;1,2
7;3
8;1,2
9;3
10;1,2
