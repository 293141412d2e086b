# Les mots de la console en français : la mise en page de chaque page et
# le Répertoire des pratiques public. Une clé absente ici s'affiche en
# anglais (en.ftl).

## La mise en page

site-name = Plateforme d'examen du Pacte mondial
skip-to-content = Aller au contenu
local-banner = Environnement local : chacun choisit son identité à la connexion ; aucun fournisseur d'identité ne la vérifie.
brand-un = Nations Unies
brand-name = Pacte mondial sur les migrations · plateforme d'examen
nav-main = Navigation principale
nav-practices = Répertoire des pratiques
nav-cycles = Cycles d'examen
nav-curation = Pratiques à examiner
nav-reports = Rapports nationaux
nav-reviews = Examens régionaux
nav-own-practices = Vos pratiques
nav-propose = Proposer une pratique
signed-in-as = Connecté en tant que
sign-out = Se déconnecter
sign-in = Se connecter
public-view = Consultation publique
languages = Langues
footer = Suivi et examen du Pacte mondial pour des migrations sûres, ordonnées et régulières (A/RES/73/195 ; Déclaration sur les progrès, A/RES/76/266).

## Dates

month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
date = { $day } { $month } { $year }

## Le Répertoire des pratiques : la recherche

search-title = Répertoire des pratiques
search-lede = Pratiques des États Membres et des parties prenantes pour la mise en œuvre du Pacte mondial, examinées par des pairs du Réseau des Nations Unies sur les migrations.
search-label = Rechercher dans les pratiques
search-placeholder = par exemple : envois de fonds, mobilité de la main-d'œuvre
search-button = Rechercher
narrow = Affiner les résultats
apply = Appliquer
clear-search = Effacer la recherche
no-facet-values = Aucune valeur parmi ces résultats.
facet-objective = Objectif du Pacte mondial
facet-principle = Principe directeur
facet-region = Région
facet-country = Pays
facet-submitter = Type de partie prenante
facet-type = Type de pratique
practices-found = { $count ->
    [one] 1 pratique
   *[other] { $count } pratiques
}
no-match = Aucune pratique publiée ne correspond.
no-match-narrowed = Aucune pratique publiée ne correspond à cette recherche. Essayez avec moins de mots ou de filtres.
objectives = Objectifs
results-pages = Pages de résultats
first-page = Première page
next-results = Résultats suivants
global = Mondial
since-year = depuis { $year }

## Le Répertoire des pratiques : une pratique

practice-status-SUBMITTED = En attente d'examen
practice-status-IN_REVIEW = En cours d'examen
practice-status-CHANGES_REQUESTED = Modifications demandées
practice-status-PUBLISHED = Publiée
practice-status-REJECTED = Non retenue
practice-status-WITHDRAWN = Retirée
practice-status-UNSPECIFIED = Inconnu
revision-of = version { $revision } du { $date }
revision = version { $revision }
you-submitted = Vous avez soumis cette pratique.
revise-it = La réviser
withdraw-it = La retirer
eligibility-notes = Remarques sur l'admissibilité :
what-it-does = En quoi elle consiste
results = Résultats
lessons = Enseignements et difficultés
details = Précisions
gcm-objectives = Objectifs du Pacte mondial
guiding-principles = Principes directeurs
none-named = Aucun n'est indiqué
upholds-all = respecte les dix
type-of-practice = Type de pratique
where = Où
when = Quand
submitted-by = Soumise par
partners = Partenaires de mise en œuvre
sdg-targets = Cibles des objectifs de développement durable
completed = Réalisation
per-cent = { $value } %

## Les codes du contrat

objective-1 = Données
objective-2 = Facteurs négatifs
objective-3 = Information exacte et actualisée
objective-4 = Identité juridique et documents
objective-5 = Voies de migration régulière
objective-6 = Recrutement équitable et travail décent
objective-7 = Réduction des vulnérabilités
objective-8 = Sauver des vies et migrants disparus
objective-9 = Trafic de migrants
objective-10 = Traite des personnes
objective-11 = Gestion intégrée des frontières
objective-12 = Procédures migratoires et orientation
objective-13 = Rétention en dernier ressort
objective-14 = Protection et assistance consulaires
objective-15 = Accès aux services de base
objective-16 = Inclusion et cohésion sociale
objective-17 = Élimination de la discrimination
objective-18 = Développement et reconnaissance des compétences
objective-19 = Contributions des diasporas
objective-20 = Envois de fonds
objective-21 = Retour et réintégration
objective-22 = Portabilité de la sécurité sociale
objective-23 = Coopération internationale

principle-GUIDING_PRINCIPLE_PEOPLE_CENTRED = Priorité à la dimension humaine
principle-GUIDING_PRINCIPLE_INTERNATIONAL_COOPERATION = Coopération internationale
principle-GUIDING_PRINCIPLE_NATIONAL_SOVEREIGNTY = Souveraineté nationale
principle-GUIDING_PRINCIPLE_RULE_OF_LAW_AND_DUE_PROCESS = État de droit et garanties d'une procédure régulière
principle-GUIDING_PRINCIPLE_SUSTAINABLE_DEVELOPMENT = Développement durable
principle-GUIDING_PRINCIPLE_HUMAN_RIGHTS = Droits de l'homme
principle-GUIDING_PRINCIPLE_GENDER_RESPONSIVE = Prise en compte des questions de genre
principle-GUIDING_PRINCIPLE_CHILD_SENSITIVE = Prise en compte de l'intérêt de l'enfant
principle-GUIDING_PRINCIPLE_WHOLE_OF_GOVERNMENT = Approche mobilisant l'ensemble des pouvoirs publics
principle-GUIDING_PRINCIPLE_WHOLE_OF_SOCIETY = Approche mobilisant l'ensemble de la société

stakeholder-STAKEHOLDER_TYPE_NATIONAL_GOVERNMENT = Gouvernements nationaux
stakeholder-STAKEHOLDER_TYPE_LOCAL_GOVERNMENT = Autorités locales
stakeholder-STAKEHOLDER_TYPE_UN_SYSTEM = Système des Nations Unies
stakeholder-STAKEHOLDER_TYPE_INTERNATIONAL_OR_REGIONAL_ORGANIZATION = Organisations internationales et régionales
stakeholder-STAKEHOLDER_TYPE_MIGRANTS = Migrants
stakeholder-STAKEHOLDER_TYPE_DIASPORAS = Diasporas
stakeholder-STAKEHOLDER_TYPE_FAITH_BASED_ORGANIZATION = Organisations confessionnelles
stakeholder-STAKEHOLDER_TYPE_LOCAL_COMMUNITY = Communautés locales
stakeholder-STAKEHOLDER_TYPE_CIVIL_SOCIETY = Société civile
stakeholder-STAKEHOLDER_TYPE_ACADEMIA = Milieux universitaires
stakeholder-STAKEHOLDER_TYPE_PRIVATE_SECTOR = Secteur privé
stakeholder-STAKEHOLDER_TYPE_PARLIAMENTARIANS = Parlementaires
stakeholder-STAKEHOLDER_TYPE_TRADE_UNIONS = Syndicats
stakeholder-STAKEHOLDER_TYPE_NATIONAL_HUMAN_RIGHTS_INSTITUTION = Institutions nationales des droits de l'homme
stakeholder-STAKEHOLDER_TYPE_MEDIA = Médias
stakeholder-STAKEHOLDER_TYPE_HUMANITARIAN_ACTOR = Acteurs humanitaires
stakeholder-STAKEHOLDER_TYPE_OTHER = Autres parties prenantes

practice-type-PRACTICE_TYPE_POLICY = Politique
practice-type-PRACTICE_TYPE_LEGISLATION = Législation
practice-type-PRACTICE_TYPE_PROGRAMME = Programme
practice-type-PRACTICE_TYPE_PROJECT = Projet
practice-type-PRACTICE_TYPE_PARTNERSHIP = Partenariat
practice-type-PRACTICE_TYPE_TOOL_OR_GUIDANCE = Outil ou orientations
practice-type-PRACTICE_TYPE_CAPACITY_BUILDING = Renforcement des capacités
practice-type-PRACTICE_TYPE_RESEARCH_OR_DATA = Recherche ou données

region-ECA = CEA
region-ECE = CEE
region-ECLAC = CEPALC
region-ESCAP = CESAP
region-ESCWA = CESAO
