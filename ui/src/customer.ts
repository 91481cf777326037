// The customer display's window (customer.html, Tauri label `customer`): only the customer
// screen, which reads the public `customer_display` and listens to the app's events. Its
// capability allows nothing else.
import { mount } from 'svelte';
import './app.css';
import CustomerScreen from './components/CustomerScreen.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('Storekeep: #app element missing from customer.html');

const screen = mount(CustomerScreen, { target });

export default screen;
