META
key;value
description;"Quirks seen in real files; all in one"
country;Romania
unit;Exemplu
num_projects;4
num_votes;5
budget;1000,50
vote_type;approval
min_length;1
max_sum_cost;None
PROJECTS
project_id;cost;votes;name;category;selected
1;400,25;3;"Parc ""Central""; alei noi";urban greenery,public space;1
2;300.0;2;Piste pentru biciclete;public transit and roads;None
3;600;1;"Bibliotecă
de cartier";culture;0
A10;0;0;Concert " gratuit;culture;0

VOTES
voter_id;vote;age;sex
v1;1,2;34;F
v2;"2,1";None;M
v3;1;71;
v4;;;
v5;3,1,3;18;F


