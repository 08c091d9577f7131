"""The CSV template users download: every canonical column, two persons, three months each."""

TEMPLATE_CSV = """\
person_id,month,income,expenses,debt_payments,liquid_savings,total_debt,credit_limit,missed_payments
alex,2024-01,3200.00,2450.00,310.00,4100.00,8200.00,6000.00,0
alex,2024-02,3200.00,2610.00,310.00,4380.00,7950.00,6000.00,0
alex,2024-03,3250.00,2520.00,310.00,4800.00,7700.00,6000.00,0
sam,2024-01,2100.00,2050.00,240.00,300.00,5600.00,5000.00,0
sam,2024-02,1850.00,2120.00,240.00,0.00,5900.00,5000.00,1
sam,2024-03,1900.00,2080.00,240.00,0.00,6150.00,5000.00,1
"""
TEMPLATE_FILENAME = "scorer_template.csv"
