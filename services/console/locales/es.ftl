# Las palabras de la consola en español: el diseño de cada página y el
# Repositorio de Prácticas público. Una clave que falte aquí se muestra en
# inglés (en.ftl).

## El diseño

site-name = Plataforma de examen del Pacto Mundial
skip-to-content = Ir al contenido
local-banner = Entorno local: cada persona elige su identidad al iniciar sesión; ningún proveedor de identidad la verifica.
brand-un = Naciones Unidas
brand-name = Pacto Mundial para la Migración · plataforma de examen
nav-main = Navegación principal
nav-practices = Repositorio de Prácticas
nav-cycles = Ciclos de examen
nav-curation = Prácticas por examinar
nav-reports = Informes nacionales
nav-reviews = Exámenes regionales
nav-own-practices = Sus prácticas
nav-propose = Proponer una práctica
signed-in-as = Sesión iniciada como
sign-out = Cerrar sesión
sign-in = Iniciar sesión
public-view = Consulta pública
languages = Idiomas
footer = Seguimiento y examen del Pacto Mundial para la Migración Segura, Ordenada y Regular (A/RES/73/195; Declaración sobre los Progresos, A/RES/76/266).

## Fechas

month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
date = { $day } de { $month } de { $year }

## El Repositorio de Prácticas: la búsqueda

search-title = Repositorio de Prácticas
search-lede = Prácticas de los Estados Miembros y de las partes interesadas para aplicar el Pacto Mundial, examinadas por pares de la Red de las Naciones Unidas sobre la Migración.
search-label = Buscar en las prácticas
search-placeholder = por ejemplo: remesas, movilidad laboral
search-button = Buscar
narrow = Acotar los resultados
apply = Aplicar
clear-search = Borrar la búsqueda
no-facet-values = Ningún valor entre estos resultados.
facet-objective = Objetivo del Pacto Mundial
facet-principle = Principio rector
facet-region = Región
facet-country = País
facet-submitter = Tipo de parte interesada
facet-type = Tipo de práctica
practices-found = { $count ->
    [one] 1 práctica
   *[other] { $count } prácticas
}
no-match = Ninguna práctica publicada coincide.
no-match-narrowed = Ninguna práctica publicada coincide con esta búsqueda. Pruebe con menos palabras o filtros.
objectives = Objetivos
results-pages = Páginas de resultados
first-page = Primera página
next-results = Resultados siguientes
global = Mundial
since-year = desde { $year }

## El Repositorio de Prácticas: una práctica

practice-status-SUBMITTED = Pendiente de examen
practice-status-IN_REVIEW = En examen
practice-status-CHANGES_REQUESTED = Cambios solicitados
practice-status-PUBLISHED = Publicada
practice-status-REJECTED = No aceptada
practice-status-WITHDRAWN = Retirada
practice-status-UNSPECIFIED = Desconocido
revision-of = versión { $revision } del { $date }
revision = versión { $revision }
you-submitted = Usted presentó esta práctica.
revise-it = Revisarla
withdraw-it = Retirarla
eligibility-notes = Observaciones sobre la admisibilidad:
what-it-does = En qué consiste
results = Resultados
lessons = Enseñanzas y dificultades
details = Detalles
gcm-objectives = Objetivos del Pacto Mundial
guiding-principles = Principios rectores
none-named = No se indica ninguno
upholds-all = respeta los diez
type-of-practice = Tipo de práctica
where = Dónde
when = Cuándo
submitted-by = Presentada por
partners = Asociados en la ejecución
sdg-targets = Metas de los Objetivos de Desarrollo Sostenible
completed = Ejecución
per-cent = { $value } %

## Los códigos del contrato

objective-1 = Datos
objective-2 = Factores adversos
objective-3 = Información exacta y oportuna
objective-4 = Identidad jurídica y documentación
objective-5 = Vías de migración regular
objective-6 = Contratación equitativa y trabajo decente
objective-7 = Reducción de la vulnerabilidad
objective-8 = Salvar vidas y migrantes desaparecidos
objective-9 = Tráfico ilícito de migrantes
objective-10 = Trata de personas
objective-11 = Gestión integrada de las fronteras
objective-12 = Procedimientos migratorios y derivación
objective-13 = Detención como último recurso
objective-14 = Protección y asistencia consulares
objective-15 = Acceso a los servicios básicos
objective-16 = Inclusión y cohesión social
objective-17 = Eliminación de la discriminación
objective-18 = Desarrollo y reconocimiento de las competencias
objective-19 = Contribuciones de las diásporas
objective-20 = Remesas
objective-21 = Retorno y reintegración
objective-22 = Portabilidad de la seguridad social
objective-23 = Cooperación internacional

principle-GUIDING_PRINCIPLE_PEOPLE_CENTRED = Centrarse en las personas
principle-GUIDING_PRINCIPLE_INTERNATIONAL_COOPERATION = Cooperación internacional
principle-GUIDING_PRINCIPLE_NATIONAL_SOVEREIGNTY = Soberanía nacional
principle-GUIDING_PRINCIPLE_RULE_OF_LAW_AND_DUE_PROCESS = Estado de derecho y garantías procesales
principle-GUIDING_PRINCIPLE_SUSTAINABLE_DEVELOPMENT = Desarrollo sostenible
principle-GUIDING_PRINCIPLE_HUMAN_RIGHTS = Derechos humanos
principle-GUIDING_PRINCIPLE_GENDER_RESPONSIVE = Perspectiva de género
principle-GUIDING_PRINCIPLE_CHILD_SENSITIVE = Perspectiva infantil
principle-GUIDING_PRINCIPLE_WHOLE_OF_GOVERNMENT = Enfoque pangubernamental
principle-GUIDING_PRINCIPLE_WHOLE_OF_SOCIETY = Enfoque pansocial

stakeholder-STAKEHOLDER_TYPE_NATIONAL_GOVERNMENT = Gobiernos nacionales
stakeholder-STAKEHOLDER_TYPE_LOCAL_GOVERNMENT = Autoridades locales
stakeholder-STAKEHOLDER_TYPE_UN_SYSTEM = Sistema de las Naciones Unidas
stakeholder-STAKEHOLDER_TYPE_INTERNATIONAL_OR_REGIONAL_ORGANIZATION = Organizaciones internacionales y regionales
stakeholder-STAKEHOLDER_TYPE_MIGRANTS = Migrantes
stakeholder-STAKEHOLDER_TYPE_DIASPORAS = Diásporas
stakeholder-STAKEHOLDER_TYPE_FAITH_BASED_ORGANIZATION = Organizaciones confesionales
stakeholder-STAKEHOLDER_TYPE_LOCAL_COMMUNITY = Comunidades locales
stakeholder-STAKEHOLDER_TYPE_CIVIL_SOCIETY = Sociedad civil
stakeholder-STAKEHOLDER_TYPE_ACADEMIA = Instituciones académicas
stakeholder-STAKEHOLDER_TYPE_PRIVATE_SECTOR = Sector privado
stakeholder-STAKEHOLDER_TYPE_PARLIAMENTARIANS = Parlamentarios
stakeholder-STAKEHOLDER_TYPE_TRADE_UNIONS = Sindicatos
stakeholder-STAKEHOLDER_TYPE_NATIONAL_HUMAN_RIGHTS_INSTITUTION = Instituciones nacionales de derechos humanos
stakeholder-STAKEHOLDER_TYPE_MEDIA = Medios de comunicación
stakeholder-STAKEHOLDER_TYPE_HUMANITARIAN_ACTOR = Agentes humanitarios
stakeholder-STAKEHOLDER_TYPE_OTHER = Otras partes interesadas

practice-type-PRACTICE_TYPE_POLICY = Política
practice-type-PRACTICE_TYPE_LEGISLATION = Legislación
practice-type-PRACTICE_TYPE_PROGRAMME = Programa
practice-type-PRACTICE_TYPE_PROJECT = Proyecto
practice-type-PRACTICE_TYPE_PARTNERSHIP = Asociación
practice-type-PRACTICE_TYPE_TOOL_OR_GUIDANCE = Herramienta u orientación
practice-type-PRACTICE_TYPE_CAPACITY_BUILDING = Creación de capacidad
practice-type-PRACTICE_TYPE_RESEARCH_OR_DATA = Investigación o datos

region-ECA = CEPA
region-ECE = CEPE
region-ECLAC = CEPAL
region-ESCAP = CESPAP
region-ESCWA = CESPAO
